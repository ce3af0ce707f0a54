"""matching's shape: sub-slices of the same make-up, no import cycles between or inside them (apart
from the HTTP adapters that take the deps object), and only the HTTP glue, the handlers and the
composition root see MatchingDeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import ServiceTree, find_cycle, imports

ROOT = Path(__file__).resolve().parents[3]
TREE = ServiceTree(ROOT, "matching")
SLICES = ("programs", "helpers", "applications", "rounds", "recommendations", "participation")
ADAPTERS = frozenset({"api", "pages"})


def test_no_import_cycle_between_modules() -> None:
    graph = TREE.module_graph()
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_no_import_cycle_between_matchings_parts() -> None:
    graph = TREE.graph(1, adapters=ADAPTERS)
    assert {f"{TREE.prefix}.{s}" for s in SLICES} <= set(graph)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


@pytest.mark.parametrize("part", SLICES)
def test_no_import_cycle_inside_a_slice(part: str) -> None:
    graph = TREE.graph(1, f"{TREE.prefix}.{part}")
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


@pytest.mark.parametrize("part", SLICES)
def test_every_slice_has_its_http_side_its_use_cases_and_its_rules(part: str) -> None:
    folder = TREE.folder / part
    for piece in ("api", "repository", "schemas"):
        assert (folder / f"{piece}.py").exists(), f"{part}: {piece}"
    assert (folder / "service.py").exists() or (folder / "service" / "__init__.py").exists(), f"{part}: service"
    assert (folder / "domain" / "__init__.py").exists(), f"{part}: domain"
    assert not (folder / "domain.py").exists()


def test_only_the_composition_root_and_web_layer_know_the_dependencies_object() -> None:
    for name, path in TREE.sources.items():
        if f"{TREE.prefix}.bootstrap" in TREE.own_imports(path):
            assert name.rsplit(".", 1)[-1] in {"api", "pages", "web", "main", "handlers", "seed"}, name


def test_the_slices_rules_read_no_files_and_no_tables() -> None:
    """Pure rules are handed what the official list says; the kit's loader reads a file, models are tables."""
    for name, path in TREE.sources.items():
        parts = name.split(".")  # services.matching.<slice>.domain…
        if len(parts) > 3 and parts[2] in SLICES and parts[3] == "domain":
            bad = {m for m in imports(path) if m.startswith(("kit.gazetteer", f"{TREE.prefix}.models"))}
            assert not bad, f"{name} imports {bad}"
