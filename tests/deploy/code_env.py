"""The environment variables the code reads, found in its syntax trees rather than listed by hand:
`os.getenv(NAME)`, `os.environ.get(NAME)`, `os.environ[NAME]`, and any function of the same module that
hands its first parameter to one of those, or to another such function (kit/config.py's `_env`,
services/registry/config.py's `_limit`, ...). NAME is a string, a module-level string constant, or an
f-string, which stands for every name its fixed parts allow (`f"{svc.upper()}_DATABASE_URL"`)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.deploy.manifests import ROOT

# Where the platform, its tools and its test support read their settings (Alembic's generated
# migrations read none).
SCANNED = ("kit", "kakawari", "services", "bench", "tests/support", "tests/conftest.py")


@dataclass(frozen=True)
class EnvRead:
    pattern: str  # a full name, or a regex when the name is built at run time
    where: str  # path:line

    @property
    def exact(self) -> bool:
        return re.fullmatch(r"[A-Z][A-Z0-9_]*", self.pattern) is not None

    def matches(self, name: str) -> bool:
        return name == self.pattern if self.exact else re.fullmatch(self.pattern, name) is not None


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and \
        isinstance(node.value, ast.Name) and node.value.id == "os"


def _env_argument(call: ast.Call) -> ast.expr | None:
    """The name argument if `call` reads the environment directly."""
    f = call.func
    direct = (isinstance(f, ast.Attribute) and f.attr == "getenv" and isinstance(f.value, ast.Name)
              and f.value.id == "os") or (isinstance(f, ast.Attribute) and f.attr == "get" and _is_environ(f.value))
    return call.args[0] if direct and call.args else None


def _callee(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else None


def _reads_in(tree: ast.AST, wrappers: set[str]) -> Iterator[tuple[ast.expr, int]]:
    """(name expression, line) of every read of the environment in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            arg = _env_argument(node)
            if arg is None and _callee(node) in wrappers and node.args:
                arg = node.args[0]
            if arg is not None:
                yield arg, node.lineno
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            yield node.slice, node.lineno


def _wrappers(module: ast.Module) -> set[str]:
    """Functions that read the environment variable named by their first parameter."""
    functions = [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef) and n.args.args]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for fn in functions:
            if fn.name in found:
                continue
            param = fn.args.args[0].arg
            if any(isinstance(arg, ast.Name) and arg.id == param for arg, _ in _reads_in(fn, found)):
                found.add(fn.name)
                changed = True
    return found


def _constants(module: ast.Module) -> dict[str, str]:
    out = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = node.value.value
    return out


def _pattern(arg: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.Name) and arg.id in constants:
        return constants[arg.id]
    if isinstance(arg, ast.JoinedStr):
        return "".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[A-Z0-9_]+" for v in arg.values)
    return None  # a parameter: the wrapper's callers are the reads


def env_reads(root: Path = ROOT) -> list[EnvRead]:
    reads = []
    for entry in SCANNED:
        path = root / entry
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            if "migrations" in file.parts and "versions" in file.parts:
                continue
            module = ast.parse(file.read_text(encoding="utf-8"))
            constants = _constants(module)
            for arg, line in _reads_in(module, _wrappers(module)):
                pattern = _pattern(arg, constants)
                if pattern is not None:
                    reads.append(EnvRead(pattern, f"{file.relative_to(root)}:{line}"))
    return reads
