"""The console's shape: slices of the same make-up (the four business dashboards, the overview that
composes them, the system dashboard, the projections' rebuild and status, and the live changes), no
import cycles between or inside them, and only the HTTP glue, the handlers and the composition root
see ConsoleDeps (tests/support/import_graph.py's ServiceShape)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import ServiceShape, ServiceTree, imports

ROOT = Path(__file__).resolve().parents[3]
TREE = ServiceTree(ROOT, "console")
DASHBOARD = ("api", "pages", "service", "repository", "schemas", "domain")
# What each slice must have: the overview counts nothing itself (its slices do), the system dashboard
# reads other services over HTTP and NATS (clients) instead of tables, the projections slice has no
# figures, and the live changes are a page-side stream.
PIECES = {"network": DASHBOARD, "gatherings": DASHBOARD, "programs": DASHBOARD, "notifications": DASHBOARD,
          "overview": ("api", "pages", "service", "schemas"),
          "system": ("api", "pages", "service", "schemas", "domain", "clients"),
          "projections": ("api", "service", "repository", "schemas"),
          "changes": ("pages", "service", "repository")}
SLICES = tuple(PIECES)
# The system slice's `web` holds its route parameters: HTTP glue like api and pages.
SHAPE = ServiceShape(TREE, SLICES, pieces=PIECES, adapters=frozenset({"api", "pages", "web"}),
                     edges=frozenset({"api", "pages", "web", "main", "handlers", "dashboard"}))


def test_every_folder_is_a_known_slice() -> None:
    folders = {p.name for p in TREE.folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders - {"domain"} == set(SLICES)


def test_no_import_cycle_between_modules() -> None:
    SHAPE.assert_no_module_cycle()


def test_no_import_cycle_between_the_consoles_parts() -> None:
    SHAPE.assert_no_cycle_between_parts()


@pytest.mark.parametrize("part", SLICES)
def test_no_import_cycle_inside_a_slice(part: str) -> None:
    SHAPE.assert_no_cycle_inside(part)


@pytest.mark.parametrize("part", SLICES)
def test_every_slice_has_its_shape(part: str) -> None:
    SHAPE.assert_shaped(part)


def test_only_the_composition_root_and_web_layer_know_the_dependencies_object() -> None:
    SHAPE.assert_deps_stay_at_the_edges()


def test_figures_are_computed_without_tables() -> None:
    """The pure figures are handed rows; only repositories read the projections' tables."""
    for name, path in TREE.sources.items():
        if ".domain" in name:
            bad = {m for m in imports(path) if m.startswith((f"{TREE.prefix}.models", "sqlalchemy", "httpx", "nats"))}
            assert not bad, f"{name} imports {bad}"
