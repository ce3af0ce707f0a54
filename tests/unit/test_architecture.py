"""The walls: a service never imports another service; the kit imports no service;
domain modules import no I/O library. Checked on the source, statically."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())
IO_LIBRARIES = {"sqlalchemy", "fastapi", "starlette", "nats", "faststream", "aiosmtplib", "aiosmtpd", "httpx",
                "asyncpg", "aiosqlite", "jinja2", "opentelemetry", "sqlite3", "socket", "requests", "urllib"}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


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
