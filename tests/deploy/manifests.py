"""Shared by the deployment checks: where the files are, the platform's contract, YAML
and command-line helpers, and the environment variables the README documents."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from kakawari.catalog import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
KUSTOMIZATION = K8S / "kustomization.yaml"
# Documents the Secrets the workloads read; never applied (not in the kustomization's resources).
EXAMPLE_SECRETS = K8S / "secrets.example.yaml"
PYPROJECT = ROOT / "pyproject.toml"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
CI_RUN = ROOT / ".ci" / "run"

SERVICES = SERVICE_NAMES  # the composition root's one list
NAMESPACE = "kakawari"
APP_PORT = 8000

ENV_SECTION = "Environment variables"
_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# `FORUM_…` (or `FORUM_...`): the same pattern as the cell's full names, with this prefix.
_ELIDED = re.compile(r"([A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*)(?:…|\.\.\.)")


def load_all(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as fh:
        return [d for d in yaml.safe_load_all(fh) if d is not None]


def kustomization() -> dict[str, Any]:
    docs = load_all(KUSTOMIZATION)
    assert len(docs) == 1, "kustomization.yaml must be one document"
    return dict(docs[0])


def applied_k8s_docs() -> list[tuple[str, dict[str, Any]]]:
    """(file name, document) of everything `kubectl apply -k deploy/k8s` applies: the kustomization's
    resources, in its order."""
    return [(name, doc) for name in kustomization()["resources"] for doc in load_all(K8S / name)]


def compose_value(value: Any) -> str | None:
    """A docker-compose.yml value as compose resolves it with nothing set in the shell or .env:
    `${VAR:-default}` and `${VAR-default}` give the default, `${VAR:?message}` (required) gives None."""
    text = str(value)
    if re.search(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?\?", text):
        return None
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda m: m.group(1) or "", text)


def command_argv(command: Any) -> list[str]:
    """A command as compose or Kubernetes hold it (a string or a list), as argv."""
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(c) for c in command]


# ------------------------------------------------- documented environment variables


def documented_env_names(readme: Path = README) -> frozenset[str]:
    """Every variable the README's `## Environment variables` table documents."""
    return env_table_names(readme.read_text(encoding="utf-8"))


def env_table_names(markdown: str, section: str = ENV_SECTION) -> frozenset[str]:
    """The variable names in the first column of the first table under `## <section>`."""
    rows = _section_table(markdown, section)
    names: set[str] = set()
    for row in rows:
        names.update(cell_env_names(row[0]))
    return frozenset(names)


def cell_env_names(cell: str) -> list[str]:
    """The backticked names in one cell, in order. A name ending in an ellipsis, as in
    `REGISTRY_DATABASE_URL`, `FORUM_…`, `NOTIFY_DATABASE_URL`, means the same pattern as the
    cell's full names with that prefix: `FORUM_DATABASE_URL`."""
    tokens = re.findall(r"`([^`]*)`", cell)
    if not tokens:
        raise ValueError(f"no backticked variable name in {cell!r}")
    full = [t for t in tokens if _NAME.fullmatch(t)]
    names = []
    for token in tokens:
        if _NAME.fullmatch(token):
            names.append(token)
            continue
        elided = _ELIDED.fullmatch(token)
        if not elided:
            raise ValueError(f"not a variable name: {token!r} in {cell!r}")
        prefix = elided.group(1)
        depth = prefix.count("_")  # how many leading words the prefix replaces
        tails = {"_".join(name.split("_")[depth:]) for name in full if name.count("_") >= depth}
        if len(tails) != 1 or "" in tails:
            raise ValueError(f"{token!r}: the cell's full names {full} give no single pattern to complete it")
        names.append(prefix + tails.pop())
    return names


def _section_table(markdown: str, section: str) -> list[list[str]]:
    """The body rows (cells stripped) of the first table in the section `## <section>`."""
    lines = markdown.splitlines()
    try:
        start = lines.index(f"## {section}") + 1
    except ValueError:
        raise ValueError(f"no '## {section}' section") from None
    table: list[str] = []
    for line in lines[start:]:
        if line.startswith("## "):
            break
        if line.lstrip().startswith("|"):
            table.append(line.strip())
        elif table:
            break  # the first table has ended
    if len(table) < 3 or not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", table[1]):
        raise ValueError(f"no table with a header and rows under '## {section}'")
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in table[2:]]
