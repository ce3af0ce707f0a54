"""Static checks of the Dockerfile and .dockerignore (no Docker engine needed): the base
image, the constraints install, a non-root user, the port, the healthcheck, and env var names."""

from __future__ import annotations

import fnmatch
import re
import shlex

from tests.deploy.manifests import APP_PORT, DOCKERFILE, DOCKERIGNORE

# Interpreter/tooling variables a Python image may set besides the documented ones (HOST is
# documented: kit.config's bind address, default 127.0.0.1, which the image must set to 0.0.0.0).
DOCKERFILE_TOOLING_ENV = frozenset({"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV"})


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8")
    logical: list[str] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue  # comment inside a continued instruction
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        logical.append(buf + line)
        buf = ""
    if buf:
        logical.append(buf)
    out = []
    for line in logical:
        parts = line.strip().split(None, 1)
        out.append((parts[0].upper(), parts[1] if len(parts) > 1 else ""))
    return out


def _dockerfile_env_names(args: str) -> list[str]:
    # ENV k=v k2="v 2"  |  ENV k v
    tokens = shlex.split(args)
    if tokens and "=" not in tokens[0]:
        return [tokens[0]]
    return [t.split("=", 1)[0] for t in tokens]


def test_dockerfile_base_image_and_constraints_install():
    instr = _dockerfile_instructions()
    args = {}
    for op, rest in instr:
        if op == "ARG" and "=" in rest:
            k, v = rest.split("=", 1)
            args[k.strip()] = v.strip().strip('"')
    froms = []
    for op, rest in instr:
        if op == "FROM":
            image = rest.split()[0]
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), image)
            froms.append(image)
    assert froms, "no FROM"
    assert froms[-1] == "python:3.11-slim", f"final stage must be python:3.11-slim, got {froms[-1]}"
    runs = [rest for op, rest in instr if op == "RUN"]
    assert any(re.search(r"pip install\b.*-c constraints\.txt\b.*\s\.(\s|$)", r) for r in runs), (
        "the package must be installed with `pip install -c constraints.txt .`"
    )


def test_dockerfile_runs_as_non_root_and_exposes_port_with_healthcheck():
    instr = _dockerfile_instructions()
    users = [rest.strip() for op, rest in instr if op == "USER"]
    assert users, "Dockerfile must switch to a non-root USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"final USER is root: {users[-1]}"
    # the last USER must come after the last FROM (i.e. apply to the final stage)
    ops = [op for op, _ in instr]
    last_from = len(ops) - 1 - ops[::-1].index("FROM")
    last_user = len(ops) - 1 - ops[::-1].index("USER")
    assert last_user > last_from
    assert re.fullmatch(r"[0-9]+|[a-z_][a-z0-9_-]*", user), user

    exposes = [rest.split() for op, rest in instr if op == "EXPOSE"]
    assert any(str(APP_PORT) in [p.split("/")[0] for p in e] for e in exposes), "EXPOSE 8000"

    checks = [rest for op, rest in instr if op == "HEALTHCHECK"]
    assert len(checks) == 1, "exactly one HEALTHCHECK"
    hc = checks[0]
    assert "/healthz" in hc and "urllib" in hc and "python" in hc, hc
    assert "curl" not in hc and "wget" not in hc, "curl/wget are not in python:3.11-slim"


def test_dockerfile_env_names_documented(documented_env):
    names = []
    for op, rest in _dockerfile_instructions():
        if op == "ENV":
            names += _dockerfile_env_names(rest)
    allowed = documented_env | DOCKERFILE_TOOLING_ENV
    bad = [n for n in names if n not in allowed and not n.startswith("PIP_")]
    assert not bad, f"undocumented env vars in Dockerfile: {bad}"


def test_dockerfile_listens_on_all_interfaces():
    env = {}
    for op, rest in _dockerfile_instructions():
        if op == "ENV":
            for token in shlex.split(rest):
                if "=" in token:
                    k, v = token.split("=", 1)
                    env[k] = v
    assert env.get("HOST") == "0.0.0.0", "the app binds 127.0.0.1 by default; set HOST=0.0.0.0"
    assert env.get("PORT") == str(APP_PORT)


def test_dockerignore_keeps_build_inputs():
    patterns = [
        ln.strip()
        for ln in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    for needed in (
        "pyproject.toml",
        "constraints.txt",
        "kit/__init__.py",
        "services/x.py",
    ):
        ignored = False
        for pat in patterns:
            neg = pat.startswith("!")
            p = pat[1:] if neg else pat
            p = p.lstrip("/")
            if fnmatch.fnmatch(needed, p) or fnmatch.fnmatch(needed, p + "/*") or needed.split("/")[0] == p:
                ignored = not neg
        assert not ignored, f".dockerignore excludes {needed}"
    assert ".venv" in patterns and ".git" in patterns
