"""The registry's shape: sub-slices of the same make-up, no import cycles, one path to each name."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from tests.support.import_graph import ServiceTree, find_cycle

ROOT = Path(__file__).resolve().parents[3]
REGISTRY = ROOT / "services" / "registry"
PREFIX = "services.registry"
SLICES = ("membership", "access", "small_bases", "directory")


TREE = ServiceTree(ROOT, "registry")


def sources() -> dict[str, Path]:
    return TREE.sources


def registry_imports(path: Path) -> set[str]:
    return TREE.own_imports(path)


def graph_of(unit: int, within: str = PREFIX) -> dict[str, set[str]]:
    return TREE.graph(unit, within)


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_between_modules() -> None:
    graph = {name: {t for t in registry_imports(path) if t in sources()} - {name} for name, path in sources().items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_no_import_cycle_between_the_registrys_parts() -> None:
    """Slices, the shared domain, the web layer and the composition root depend on each other one way."""
    graph = graph_of(1)
    assert {f"{PREFIX}.{s}" for s in SLICES} <= set(graph)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


@pytest.mark.parametrize("part", SLICES)
def test_no_import_cycle_inside_a_slice(part: str) -> None:
    graph = graph_of(1, f"{PREFIX}.{part}")
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


@pytest.mark.parametrize("part", SLICES)
def test_every_slice_has_the_same_shape(part: str) -> None:
    folder = REGISTRY / part
    for piece in ("api", "service", "repository", "schemas"):
        assert (folder / f"{piece}.py").exists() or (folder / piece / "__init__.py").exists(), f"{part}: {piece}"
    assert (folder / "domain" / "__init__.py").exists(), f"{part}: domain/"
    assert not (folder / "domain.py").exists()


def test_only_the_composition_root_and_web_layer_know_the_dependencies_object() -> None:
    """Use cases take what they need as arguments; only HTTP glue, hooks and the root see RegistryDeps."""
    for name, path in sources().items():
        if f"{PREFIX}.bootstrap" in registry_imports(path):
            last = name.rsplit(".", 1)[-1]
            assert last in {"api", "deps", "page", "seed", "main", "handlers"}, name


@pytest.mark.parametrize("name", ["MemberKind", "RmoLegalForm", "MemberStatus", "Action", "Gazetteer",
                                  "LocalGovernment", "BLOCKS", "RateLimits", "LinkSettings", "RegistryDeps"])
def test_each_name_is_imported_by_one_path(name: str) -> None:
    paths: dict[str, list[str]] = defaultdict(list)
    for module, path in sources().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and any(a.name == name for a in node.names):
                paths[node.module].append(module)
    assert len(paths) <= 1, dict(paths)


def test_one_locale_type() -> None:
    """Locales are `kit.contracts.base.Locale` (checked with `kit.web.locale.as_locale`), not patterns."""
    for module, path in sources().items():
        text = path.read_text(encoding="utf-8")
        assert "ja|en" not in text and '("ja", "en")' not in text, module
