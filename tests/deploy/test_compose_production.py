"""docker-compose.yml runs like production, read as compose resolves it with nothing set in the shell:
KAKAWARI_ENV=production, a secret key required (no example baked in), streams as wide as the NATS
cluster allows, the services' PostgreSQL pools within max_connections, the database and the broker
published on loopback only, every image pinned."""

from __future__ import annotations

import os
import re
import secrets
from typing import Any

import pytest

from kakawari.catalog import SERVICE_NAMES
from kakawari.cli import _topology
from kit.config import DatabasePool, Settings, secret_key_problem
from tests.deploy.manifests import COMPOSE, SERVICES, command_argv, compose_value, load_all

POSTGRES_DEFAULT_MAX_CONNECTIONS = 100  # PostgreSQL's own default, when the command sets none
RESERVED = "kakawari.io/postgres-reserved-connections"
LOOPBACK = {"127.0.0.1", "::1", "[::1]", "localhost"}


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    return dict(load_all(COMPOSE)[0]["services"])


def _env(service: dict) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    return {k: compose_value(v) for k, v in env.items()}


def _app_services(services) -> list[str]:
    """The platform's own containers (built from the Dockerfile): the services and `init`."""
    return [name for name, s in services.items() if "build" in s or str(s.get("image", "")).startswith("kakawari:")]


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path, env: dict[str, str | None]) -> Settings:
    for name in [n for n in os.environ if n.startswith(("KAKAWARI_", "NATS_", "DATABASE_URL"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KAKAWARI_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        if value is not None:
            monkeypatch.setenv(name, value)
    return Settings.from_env(SERVICE_NAMES)


def test_production_mode_by_default_with_a_required_key(services, monkeypatch, tmp_path):
    apps = _app_services(services)
    assert set(SERVICES) | {"init"} <= set(apps)
    for name in apps:
        env = _env(services[name])
        assert env.get("KAKAWARI_ENV") == "production", f"{name}: KAKAWARI_ENV is {env.get('KAKAWARI_ENV')}"
        raw = str((services[name].get("environment") or {}).get("KAKAWARI_SECRET_KEY", ""))
        key = env.get("KAKAWARI_SECRET_KEY")
        assert key is None or secret_key_problem(key) is None, (
            f"{name}: KAKAWARI_SECRET_KEY defaults to {key!r}, which production refuses; require it ({raw})")
        if name in SERVICES:
            given = {**env, "KAKAWARI_SECRET_KEY": secrets.token_urlsafe(48)}
            assert _settings(monkeypatch, tmp_path, given).validate().production, name
            refused = _settings(monkeypatch, tmp_path, {**env, "KAKAWARI_SECRET_KEY": None})
            with pytest.raises(ValueError, match="KAKAWARI_SECRET_KEY"):
                refused.validate()


def _nats_nodes(services) -> list[str]:
    return [name for name, s in services.items() if str(s.get("image", "")).startswith("nats:")
            and {"--js", "-js", "--jetstream"} & set(command_argv(s.get("command")))]


def test_streams_fit_the_nats_cluster(services, monkeypatch, tmp_path):
    """`init` applies the streams: as wide as the code makes them from its environment, three, on as
    many JetStream nodes at least."""
    init = services["init"]
    assert "kakawari streams apply" in " ".join(command_argv(init["command"]))
    settings = _settings(monkeypatch, tmp_path, _env(init))
    replicas = _topology(settings).replicas
    nodes = len(_nats_nodes(services))
    assert 3 <= replicas <= nodes, f"R{replicas} streams on {nodes} NATS nodes"


def _max_connections(postgres: dict) -> int:
    argv = command_argv(postgres.get("command"))
    settings = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "-c"]
    settings += [a.split("=", 1)[1] for a in argv if a.startswith("--") and "=" in a]
    found = [int(s.split("=", 1)[1]) for s in settings if s.split("=", 1)[0] == "max_connections"]
    return found[-1] if found else POSTGRES_DEFAULT_MAX_CONNECTIONS


def test_database_pools_fit_postgresql_max_connections(services, monkeypatch, tmp_path):
    postgres = services["postgres"]
    labels = postgres.get("labels") or {}
    assert RESERVED in labels, f"postgres: label {RESERVED} (connections kept out of the pools)"
    available = _max_connections(postgres) - int(labels[RESERVED])
    used = 0
    for name in SERVICES:
        env = _env(services[name])
        assert "@postgres:" in str(env.get("DATABASE_URL")), name
        _settings(monkeypatch, tmp_path, env)
        replicas = int(((services[name].get("deploy") or {}).get("replicas")) or 1)
        used += replicas * DatabasePool.from_env().most
    assert used <= available, f"{used} pooled connections > max_connections - reserve = {available}"


def _published(service: dict) -> list[tuple[str | None, str]]:
    """(host address or None for every interface, container port) of each published port."""
    out: list[tuple[str | None, str]] = []
    for p in service.get("ports") or []:
        if isinstance(p, dict):
            out.append((p.get("host_ip"), str(p["target"])))
            continue
        m = re.fullmatch(r"(?:(\[[^\]]+\]|[^:]+):)?(?:(\d+(?:-\d+)?):)?(\d+(?:-\d+)?)(?:/\w+)?", str(p))
        assert m, f"cannot read the port {p!r}"
        host_ip, host_port, container = m.groups()
        if host_port is None and host_ip is not None and host_ip.isdigit():
            host_ip, host_port = None, host_ip  # "5432:5432"
        out.append((host_ip, container))
    return out


def test_database_and_broker_are_published_on_loopback_only(services):
    for name in ["postgres", *_nats_nodes(services)]:
        for host_ip, container in _published(services[name]):
            assert host_ip in LOOPBACK, f"{name}: {container} is published on every interface"
    assert _published({"ports": ["5432:5432"]}) == [(None, "5432")]  # the reader sees the unsafe form
    assert _published({"ports": ["127.0.0.1:5432:5432"]}) == [("127.0.0.1", "5432")]


def _tag(image: str) -> str:
    return image.split("@")[0].rsplit("/", 1)[-1].partition(":")[2]


@pytest.mark.parametrize("image,pinned", [("axllent/mailpit:latest", False), ("postgres", False),
                                          ("nats:2.11-alpine", True), ("grafana/grafana@sha256:ab", True)])
def test_the_pin_rule(image: str, pinned: bool) -> None:
    assert _pinned(image) is pinned


def _pinned(image: str) -> bool:
    tag = _tag(image)
    return "@sha256:" in image or bool(tag and tag != "latest" and re.search(r"\d", tag))


def test_every_pulled_image_is_pinned(services):
    for name, s in services.items():
        image: Any = s.get("image")
        if "build" in s or image is None:
            continue  # built here from the Dockerfile
        assert _pinned(str(image)), f"{name}: image {image} is not pinned to a version"
