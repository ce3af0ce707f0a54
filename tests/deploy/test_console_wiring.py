"""The console's view of the others, in docker-compose.yml and deploy/k8s: KAKAWARI_CONSOLE_TARGETS
names every service of kakawari/catalog.py at an address that really serves it (the compose service or
Kubernetes Service of that name, its port, the `/<service>` path it mounts under), read the way
kit.config.Settings reads it; KAKAWARI_TRACE_URL is a Jaeger UI link with `{trace_id}`."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from kakawari.catalog import SERVICE_NAMES
from kit.config import Settings
from tests.deploy.manifests import APP_PORT, COMPOSE, K8S, SERVICES, load_all


def _targets_as_the_code_reads_them(monkeypatch, tmp_path, env: dict[str, str]) -> dict[str, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KAKAWARI_SECRET_KEY", "test-only")
    monkeypatch.setenv("KAKAWARI_DATA_DIR", str(tmp_path))
    settings = Settings.from_env(SERVICE_NAMES)
    assert set(settings.console_targets) == set(SERVICES), "KAKAWARI_CONSOLE_TARGETS must name every service"
    return {svc: settings.target_for(svc) for svc in SERVICES}


@pytest.fixture(scope="module")
def compose_services() -> dict:
    return load_all(COMPOSE)[0]["services"]


@pytest.fixture(scope="module")
def k8s_docs() -> list[dict]:
    return [d for p in sorted(K8S.glob("*.yaml")) if p.name != "kustomization.yaml" for d in load_all(p)]


def test_compose_console_targets(monkeypatch, tmp_path, compose_services):
    env = {k: str(v) for k, v in compose_services["console"]["environment"].items()}
    for svc, base in _targets_as_the_code_reads_them(monkeypatch, tmp_path, env).items():
        url = urlsplit(base)
        assert url.scheme == "http", base
        assert url.hostname == svc and svc in compose_services, f"{svc}: {base} is not that compose service"
        assert url.port == APP_PORT, f"{svc}: {base}: the container listens on {APP_PORT}"
        assert url.path == f"/{svc}", f"{svc}: {base}: the service mounts under /{svc}"


def test_compose_console_trace_url(compose_services):
    trace = compose_services["console"]["environment"]["KAKAWARI_TRACE_URL"]
    assert "{trace_id}" in trace
    url = urlsplit(trace)
    # opened by the operator's browser: the host's loopback port where Jaeger's UI is published
    published = {}
    for p in compose_services["jaeger"]["ports"]:
        parts = str(p).split(":")
        published[parts[-1]] = parts[-2]
    assert url.hostname in ("localhost", "127.0.0.1")
    assert str(url.port) == published["16686"], f"{trace}: Jaeger's UI is on {published}"
    assert url.path == "/trace/{trace_id}"


def test_k8s_console_targets(monkeypatch, tmp_path, k8s_docs):
    deployment = next(d for d in k8s_docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "console")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    k8s_services = {d["metadata"]["name"]: d for d in k8s_docs if d["kind"] == "Service"}
    for svc, base in _targets_as_the_code_reads_them(monkeypatch, tmp_path, env).items():
        url = urlsplit(base)
        assert url.hostname == svc and svc in k8s_services, f"{svc}: {base} is not that Service"
        ports = [p["port"] for p in k8s_services[svc]["spec"]["ports"]]
        assert (url.port or 80) in ports, f"{svc}: {base}: the Service listens on {ports}"
        assert url.path == f"/{svc}", f"{svc}: {base}: the service mounts under /{svc}"
    assert "{trace_id}" in env["KAKAWARI_TRACE_URL"]
