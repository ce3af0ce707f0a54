"""Static checks of docker-compose.yml (no container engine needed): the app services'
commands, databases, NATS URLs, healthchecks and ports, the init job, the 3-node NATS cluster,
PostgreSQL, references between services, and env var names."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.deploy.manifests import APP_PORT, COMPOSE, DOCKERFILE, ROOT, SERVICES, command_argv, load_all


@pytest.fixture(scope="module")
def compose() -> dict:
    docs = load_all(COMPOSE)
    assert len(docs) == 1, "docker-compose.yml must be a single YAML document"
    return docs[0]


def test_compose_app_services(compose):
    services = compose["services"]
    ports_seen = set()
    for i, svc in enumerate(SERVICES, start=1):
        assert svc in services, f"compose service {svc} missing"
        s = services[svc]
        argv = command_argv(s.get("command"))
        assert argv[:3] == ["kakawari", "serve", svc], f"{svc}: command is {argv}"
        if "--port" in argv:
            assert argv[argv.index("--port") + 1] == str(APP_PORT)

        env = s["environment"]
        assert isinstance(env, dict), f"{svc}: environment must be a mapping"
        url = urlsplit(env["DATABASE_URL"])
        assert url.scheme == "postgresql+asyncpg"
        assert url.hostname == "postgres" and url.hostname in services
        assert url.path.lstrip("/") == svc, f"{svc}: DATABASE_URL points at {url.path}"

        nats = [urlsplit(u.strip()) for u in env["NATS_URL"].split(",")]
        assert sorted(u.hostname for u in nats) == ["nats-1", "nats-2", "nats-3"]
        assert all(u.scheme == "nats" and u.port == 4222 for u in nats)
        assert env["OTEL_SERVICE_NAME"].endswith(svc)

        hc = s.get("healthcheck") or {}
        test = " ".join(command_argv(hc.get("test")))
        assert "/healthz" in test and str(APP_PORT) in test, f"{svc}: healthcheck {hc}"
        assert "curl" not in test and "wget" not in test

        # published on the host's loopback only (see test_observability: nothing on every interface)
        published = [str(p) for p in s.get("ports", [])]
        assert published == [f"127.0.0.1:{8000 + i}:{APP_PORT}"], f"{svc}: ports {published}"
        ports_seen.add(published[0])

        dep = s.get("depends_on") or {}
        assert dep.get("init", {}).get("condition") == "service_completed_successfully"
        assert s.get("image") or s.get("build")

    assert "SMTP_URL" in services["notify"]["environment"]
    smtp = urlsplit(services["notify"]["environment"]["SMTP_URL"])
    assert smtp.scheme == "smtp" and smtp.hostname in services
    for svc in SERVICES:
        if svc != "notify":
            assert "SMTP_URL" not in services[svc]["environment"], svc


def test_compose_init_job(compose):
    services = compose["services"]
    init = services["init"]
    script = " ".join(command_argv(init["command"]))
    assert "kakawari streams apply" in script
    for svc in SERVICES:
        assert f"kakawari migrate {svc}" in script, f"init does not migrate {svc}"
        # each migration runs against that service's own database
        assert re.search(rf"DATABASE_URL=\S+/{svc}\s+kakawari migrate {svc}\b", script), svc
    dep = init["depends_on"]
    assert dep["postgres"]["condition"] == "service_healthy"
    for n in (1, 2, 3):
        assert dep[f"nats-{n}"]["condition"] in ("service_healthy", "service_started")
    assert str(init.get("restart", "no")) == "no"
    assert init.get("image") == services["registry"].get("image")


def test_compose_nats_cluster(compose):
    services = compose["services"]
    nodes = [f"nats-{n}" for n in (1, 2, 3)]
    for node in nodes:
        s = services[node]
        assert s["image"].startswith("nats:2."), s["image"]
        argv = command_argv(s["command"])
        assert "-js" in argv or "--js" in argv or "--jetstream" in argv, f"{node}: no JetStream"
        opts = {a: argv[i + 1] for i, a in enumerate(argv[:-1]) if a.startswith("-")}
        assert (opts.get("--name") or opts.get("-n")) == node
        assert opts.get("--cluster_name") == "kakawari"
        assert urlsplit(opts["--cluster"]).port == 6222
        routes = [urlsplit(r) for r in opts["--routes"].split(",")]
        assert sorted(r.hostname for r in routes) == nodes
        assert all(r.port == 6222 for r in routes)
        vols = [str(v) for v in s.get("volumes", [])]
        # The store dir is the mounted configuration's (nats-server refuses it given twice).
        config = next(v.split(":")[0] for v in vols if v.split(":")[1] == opts["--config"])
        match = re.search(r'store_dir:\s*"([^"]+)"', (ROOT / config).read_text())
        store = opts.get("--sd") or opts.get("--store_dir") or (match.group(1) if match else None)
        assert store, f"{node}: no JetStream store dir"
        assert any(v.endswith(":" + store) for v in vols), f"{node}: store dir not on a volume"
        assert "healthz" in " ".join(command_argv(s["healthcheck"]["test"]))


def test_compose_postgres_and_extras(compose):
    services = compose["services"]
    pg = services["postgres"]
    assert pg["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(command_argv(pg["healthcheck"]["test"]))
    mounts = [str(v) for v in pg["volumes"]]
    init_mounts = [m for m in mounts if "/docker-entrypoint-initdb.d" in m]
    assert init_mounts, "postgres needs the init script"
    sql_path = ROOT / init_mounts[0].split(":")[0]
    sql = sql_path.read_text(encoding="utf-8")
    assert re.search(r"CREATE\s+(ROLE|USER)\s+kakawari\b", sql, re.IGNORECASE)
    for svc in SERVICES:
        assert re.search(rf"CREATE\s+DATABASE\s+{svc}\s+OWNER\s+kakawari\b", sql, re.IGNORECASE), svc

    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_compose_references_resolve(compose):
    services = compose["services"]
    declared_volumes = set((compose.get("volumes") or {}).keys())
    for name, s in services.items():
        dep = s.get("depends_on") or {}
        for target in dep:
            assert target in services, f"{name} depends on unknown {target}"
        for v in s.get("volumes", []):
            src = str(v).split(":")[0]
            if src.startswith((".", "/")):
                assert (ROOT / src).exists(), f"{name}: bind source {src} missing"
            else:
                assert src in declared_volumes, f"{name}: volume {src} not declared"
        if "build" in s:
            b = s["build"]
            ctx = ROOT / (b["context"] if isinstance(b, dict) else b)
            df = b.get("dockerfile", "Dockerfile") if isinstance(b, dict) else "Dockerfile"
            assert (ctx / df).resolve() == DOCKERFILE.resolve()
    # every app service has a healthcheck, every non-one-shot service too
    for name, s in services.items():
        if name != "init" and name not in ("mailpit", "otel-collector"):
            assert "healthcheck" in s, f"{name}: no healthcheck"


def test_compose_env_names_documented(compose, documented_env):
    services = compose["services"]
    for name, s in services.items():
        if s.get("image", "").split(":")[0] != "kakawari" and "build" not in s:
            continue
        env = s.get("environment") or {}
        keys = env.keys() if isinstance(env, dict) else [e.split("=", 1)[0] for e in env]
        bad = set(keys) - documented_env
        assert not bad, f"{name}: undocumented env vars {bad}"
        # variables set inline in the command line (VAR=value cmd)
        for m in re.finditer(r"(?:^|\s)([A-Z_][A-Z0-9_]*)=", " ".join(command_argv(s.get("command")))):
            assert m.group(1) in documented_env, f"{name}: {m.group(1)}"
    # ${VAR} interpolation from the host shell / .env
    raw = COMPOSE.read_text(encoding="utf-8")
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", raw))
    assert interpolated <= documented_env, interpolated - documented_env
