"""matching's shape: sub-slices of the same make-up, no import cycles between or inside them (apart
from the HTTP adapters that take the deps object), only the HTTP glue, the handlers and the
composition root see MatchingDeps (tests/support/import_graph.py's ServiceShape), and the slices'
pure rules read neither files nor tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import ServiceShape, ServiceTree, imports

ROOT = Path(__file__).resolve().parents[3]
TREE = ServiceTree(ROOT, "matching")
SLICES = ("programs", "helpers", "applications", "rounds", "recommendations", "participation")
SHAPE = ServiceShape(TREE, SLICES, pieces=("api", "repository", "schemas", "service", "domain"),
                     edges=frozenset({"api", "pages", "web", "main", "handlers", "seed"}))


def test_no_import_cycle_between_modules() -> None:
    SHAPE.assert_no_module_cycle()


def test_no_import_cycle_between_matchings_parts() -> None:
    SHAPE.assert_no_cycle_between_parts()


@pytest.mark.parametrize("part", SLICES)
def test_no_import_cycle_inside_a_slice(part: str) -> None:
    SHAPE.assert_no_cycle_inside(part)


@pytest.mark.parametrize("part", SLICES)
def test_every_slice_has_its_http_side_its_use_cases_and_its_rules(part: str) -> None:
    SHAPE.assert_shaped(part)


def test_only_the_composition_root_and_web_layer_know_the_dependencies_object() -> None:
    SHAPE.assert_deps_stay_at_the_edges()


def test_the_slices_rules_read_no_files_and_no_tables() -> None:
    """Pure rules are handed what the official list says; the kit's loader reads a file, models are tables."""
    for name, path in TREE.sources.items():
        parts = name.split(".")  # services.matching.<slice>.domain…
        if len(parts) > 3 and parts[2] in SLICES and parts[3] == "domain":
            bad = {m for m in imports(path) if m.startswith(("kit.gazetteer", f"{TREE.prefix}.models"))}
            assert not bad, f"{name} imports {bad}"
