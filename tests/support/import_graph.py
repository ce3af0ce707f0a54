"""Reading a source tree's imports statically, and finding cycles in them: for the tests that
keep the walls and the layout (tests/unit/test_architecture.py, tests/unit/registry/test_layout.py)."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def imports(path: Path) -> set[str]:
    """The absolute modules a file imports (`from x import y` counts as `x`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` (node -> the nodes it imports), as a path that ends where it starts."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


class ServiceTree:
    """One service's modules and the imports between them (migrations left out), for the
    layout tests: `graph(depth)` is the import graph between its parts `depth` levels down."""

    def __init__(self, root: Path, service: str) -> None:
        self.root = root
        self.folder = root / "services" / service
        self.prefix = f"services.{service}"
        self.sources = {self._module(p): p for p in self.folder.rglob("*.py") if "migrations" not in p.parts}

    def _module(self, path: Path) -> str:
        parts = path.relative_to(self.root).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def own_imports(self, path: Path) -> set[str]:
        """The service's modules `path` imports (a `from package import module` counts as the module)."""
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith(self.prefix))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(self.prefix):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names
                             if f"{node.module}.{a.name}" in self.sources)
        return found

    def module_graph(self) -> dict[str, set[str]]:
        return {name: {t for t in self.own_imports(path) if t in self.sources} - {name}
                for name, path in self.sources.items()}

    def graph(self, unit: int, within: str | None = None, adapters: frozenset[str] = frozenset()
              ) -> dict[str, set[str]]:
        """Imports between units: the `unit`-th dotted name part under `within` (its packages and
        modules), leaving out what modules named in `adapters` (e.g. "api", "pages") import."""
        within = within or self.prefix
        depth = within.count(".") + 1 + unit
        graph: dict[str, set[str]] = {}
        for name, path in self.sources.items():
            if not name.startswith(within + ".") or name.count(".") < depth - 1:
                continue
            if name.rsplit(".", 1)[-1] in adapters:
                graph.setdefault(".".join(name.split(".")[:depth]), set())
                continue
            source = ".".join(name.split(".")[:depth])
            graph.setdefault(source, set())
            for target in self.own_imports(path):
                if target.startswith(within + ".") and target.count(".") >= depth - 1:
                    goal = ".".join(target.split(".")[:depth])
                    if goal != source:
                        graph[source].add(goal)
        return graph


@dataclass(frozen=True)
class ServiceShape:
    """The layout every service with sub-slices keeps, checked the same way for each: no import
    cycle between modules, between the service's parts (leaving out the HTTP adapters, which take
    the deps object) or inside a slice; every slice made of `pieces` (a module or a package each;
    per slice, or the same for all); no `domain.py` beside `domain/`; and only the edges (HTTP
    glue, handlers, the composition root) seeing the deps object built in `bootstrap`."""

    tree: ServiceTree
    slices: tuple[str, ...]
    pieces: tuple[str, ...] | Mapping[str, tuple[str, ...]]
    adapters: frozenset[str] = frozenset({"api", "pages"})
    edges: frozenset[str] = frozenset({"api", "pages", "web", "main", "handlers"})

    def assert_no_module_cycle(self) -> None:
        graph = self.tree.module_graph()
        assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])

    def assert_no_cycle_between_parts(self) -> None:
        graph = self.tree.graph(1, adapters=self.adapters)
        assert {f"{self.tree.prefix}.{s}" for s in self.slices} <= set(graph)
        assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])

    def assert_no_cycle_inside(self, part: str) -> None:
        graph = self.tree.graph(1, f"{self.tree.prefix}.{part}")
        assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])

    def assert_shaped(self, part: str) -> None:
        folder = self.tree.folder / part
        pieces = self.pieces if isinstance(self.pieces, tuple) else self.pieces[part]
        for piece in pieces:
            assert (folder / f"{piece}.py").exists() or (folder / piece / "__init__.py").exists(), f"{part}: {piece}"
        assert not (folder / "domain.py").exists()

    def assert_deps_stay_at_the_edges(self) -> None:
        for name, path in self.tree.sources.items():
            if f"{self.tree.prefix}.bootstrap" in self.tree.own_imports(path):
                assert name.rsplit(".", 1)[-1] in self.edges, name
