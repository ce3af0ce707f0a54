"""The walls, checked statically on the source:
(a) a service never imports another service; (b) the kit imports no service;
(c) domain modules import no I/O library; (d) contracts import only pydantic, the
standard library and the contracts; no relative imports; no import cycle between the
kit's packages; and no `Any`-typed service locator (a dict of singletons) on the
dependency path."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.support.import_graph import find_cycle, imports

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())
IO_LIBRARIES = {"sqlalchemy", "fastapi", "starlette", "nats", "faststream", "aiosmtplib", "aiosmtpd", "httpx",
                "asyncpg", "aiosqlite", "jinja2", "opentelemetry", "sqlite3", "socket", "requests", "urllib"}
SOURCE_ROOTS = ("kit", "services", "kakawari", "bench")


def python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service: str) -> None:
    others = {f"services.{s}" for s in SERVICES if s != service}
    for path in python_files(ROOT / "services" / service):
        bad = {m for m in imports(path) if any(m == o or m.startswith(o + ".") for o in others)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_kit_imports_no_service() -> None:
    for path in python_files(ROOT / "kit"):
        bad = {m for m in imports(path) if m.startswith(("services", "kakawari"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_domain_modules_do_no_io() -> None:
    domain_files = [p for s in SERVICES for p in (ROOT / "services" / s).rglob("*.py")
                    if p.name == "domain.py" or "domain" in p.relative_to(ROOT / "services" / s).parts[:-1]]
    assert domain_files, "no domain modules found"
    for path in domain_files:
        bad = {m for m in imports(path) if m.split(".")[0] in IO_LIBRARIES}
        assert not bad, f"{path.relative_to(ROOT)} imports I/O libraries {bad}"


def test_contracts_import_only_pydantic_the_standard_library_and_contracts() -> None:
    allowed_third_party = {"pydantic", "pydantic_core"}
    for path in python_files(ROOT / "kit" / "contracts"):
        for module in imports(path):
            top = module.split(".")[0]
            ok = (top in sys.stdlib_module_names or top in allowed_third_party or top == "__future__"
                  or module == "kit.contracts" or module.startswith("kit.contracts."))
            assert ok, f"{path.relative_to(ROOT)} imports {module}"


def test_no_relative_imports() -> None:
    for root in (*SOURCE_ROOTS, "tests"):
        for path in (ROOT / root).rglob("*.py"):
            if ".venv" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom):
                    assert node.level == 0, f"{path.relative_to(ROOT)}:{node.lineno} uses a relative import"


def kit_package_graph() -> dict[str, set[str]]:
    """kit's packages and top-level modules (kit.db, kit.messaging, kit.runtime, ...) and which
    of the others each imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in python_files(ROOT / "kit"):
        parts = path.relative_to(ROOT / "kit").with_suffix("").parts
        unit = f"kit.{parts[0]}"
        graph[unit]
        for module in imports(path):
            if module.startswith("kit."):
                target = ".".join(module.split(".")[:2])
                if target != unit:
                    graph[unit].add(target)
    return graph


def test_no_import_cycle_between_the_kits_packages() -> None:
    graph = kit_package_graph()
    assert {"kit.db", "kit.messaging", "kit.web", "kit.runtime"} <= set(graph)
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph) or [])}"


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def _is_any_dict(annotation: ast.expr | None) -> bool:
    text = ast.unparse(annotation) if annotation is not None else ""
    return text.replace(" ", "") in {"dict[str,Any]", "Dict[str,Any]", "dict[str,object]"}


def test_no_any_typed_service_locator() -> None:
    """Dependencies are typed objects built by a composition root, never a dict of singletons
    (`extras: dict[str, Any]`) handed to handlers or routes."""
    suspicious = {"extras", "services", "registry", "singletons", "container", "locator", "deps"}
    for root in ("kit", "services"):
        for path in python_files(ROOT / root):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.AnnAssign) and _is_any_dict(node.annotation):
                    target = node.target
                    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                    assert name not in suspicious, f"{path.relative_to(ROOT)}:{node.lineno} {name}: dict[str, Any]"
                if isinstance(node, ast.Attribute) and node.attr == "extras":
                    pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} uses .extras")
