"""notify's shape: sub-slices of the same make-up (inbox, delivery, preferences, webhooks,
messages), no import cycles between or inside them, and only the HTTP glue, the handlers and
the composition root see NotifyDeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_graph import ServiceTree, find_cycle

ROOT = Path(__file__).resolve().parents[3]
TREE = ServiceTree(ROOT, "notify")
SLICES = ("inbox", "delivery", "preferences", "webhooks", "messages")
# What each slice must have: messages is the catalogue and its rendering, with no API of its own.
SHAPE = {"inbox": ("api", "pages", "service", "repository", "schemas"),
         "delivery": ("api", "pages", "service", "repository", "schemas", "domain"),
         "preferences": ("api", "pages", "service", "repository", "schemas", "domain"),
         "webhooks": ("api", "pages", "service", "repository", "schemas", "domain"),
         "messages": ("catalog", "render", "samples", "pages")}


def test_no_import_cycle_between_modules() -> None:
    graph = TREE.module_graph()
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_no_import_cycle_between_notifys_parts() -> None:
    """The composition root builds the slices' workers, and the slices' HTTP adapters (api, pages)
    take the deps object it builds; apart from those adapters, parts depend on each other one way."""
    graph = TREE.graph(1, adapters=frozenset({"api", "pages"}))
    assert {f"{TREE.prefix}.{s}" for s in SLICES} <= set(graph)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


@pytest.mark.parametrize("part", SLICES)
def test_no_import_cycle_inside_a_slice(part: str) -> None:
    graph = TREE.graph(1, f"{TREE.prefix}.{part}")
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


@pytest.mark.parametrize("part", SLICES)
def test_every_slice_has_its_shape(part: str) -> None:
    folder = TREE.folder / part
    for piece in SHAPE[part]:
        assert (folder / f"{piece}.py").exists() or (folder / piece / "__init__.py").exists(), f"{part}: {piece}"
    assert not (folder / "domain.py").exists()


def test_only_the_composition_root_and_web_layer_know_the_dependencies_object() -> None:
    """Use cases take what they need as arguments; only HTTP glue, handlers and the root see NotifyDeps."""
    for name, path in TREE.sources.items():
        if f"{TREE.prefix}.bootstrap" in TREE.own_imports(path):
            assert name.rsplit(".", 1)[-1] in {"api", "pages", "web", "main", "handlers"}, name
