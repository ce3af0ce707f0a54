"""Properties of what `kubectl apply -k deploy/k8s` applies, whatever the values: every manifest valid
against Kubernetes' own schemas; every workload probed, bounded, non-root on a read-only root; images
pinned; streams no wider than the NATS cluster, whose nodes never share a host; the services' PostgreSQL
pools within the server's connections; and the settings they start with accepted by production."""

from __future__ import annotations

import math
import os
import re
import secrets
import tomllib
from decimal import Decimal
from typing import Any

import kubernetes_validate
import pytest

from kakawari.catalog import SERVICE_NAMES
from kakawari.cli import _topology
from kit.config import DatabasePool, Settings
from tests.deploy.manifests import (
    EXAMPLE_SECRETS,
    PYPROJECT,
    SERVICES,
    applied_k8s_docs,
    command_argv,
    kustomization,
    load_all,
)

# The oldest Kubernetes minor still in the main providers' standard support, and the newest the
# installed kubernetes-validate knows: the manifests must be valid for both.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
BUDGET = "kakawari.io/postgres-max-connections"
RESERVED = "kakawari.io/postgres-reserved-connections"
# Variables whose value the manifests take from a Secret; given here as a production deployment would.
SECRET_VALUES = {"KAKAWARI_SECRET_KEY": secrets.token_urlsafe(48),
                 "DATABASE_URL": "postgresql+asyncpg://kakawari:pw@db.internal:5432/x",
                 "SMTP_URL": "smtp://user:pw@smtp.internal:587"}


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return [d for _, d in applied_k8s_docs()]


def _of_kind(docs, kind: str) -> list[dict]:
    return [d for d in docs if d.get("kind") == kind]


def _workloads(docs) -> list[dict]:
    return [d for d in docs if d.get("kind") in ("Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet")]


def _containers(workload: dict, init: bool = True) -> list[dict]:
    pod = workload["spec"]["template"]["spec"]
    return (list(pod.get("initContainers") or []) if init else []) + list(pod["containers"])


def _config_maps(docs) -> dict[str, dict[str, str]]:
    return {d["metadata"]["name"]: d.get("data") or {} for d in _of_kind(docs, "ConfigMap")}


def container_env(docs, container: dict) -> dict[str, str]:
    """The environment a container starts with: its ConfigMaps, then its own variables (those from a
    Secret as SECRET_VALUES gives them)."""
    maps = _config_maps(docs)
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        if "configMapRef" in source:
            env.update(maps[source["configMapRef"]["name"]])
    for var in container.get("env") or []:
        if "value" in var:
            env[var["name"]] = str(var["value"])
        elif "secretKeyRef" in (var.get("valueFrom") or {}):
            key = var["valueFrom"]["secretKeyRef"]["key"]
            env[var["name"]] = SECRET_VALUES.get(key, f"secret-{key.lower().replace('_', '-')}")
    return env


def settings_in(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], tmp_path) -> Settings:
    """Settings as the code reads them from `env` (and nothing else of ours)."""
    for name in [n for n in os.environ if n.startswith(("KAKAWARI_", "NATS_", "DATABASE_URL"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KAKAWARI_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env(SERVICE_NAMES)


# ------------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_against_kubernetes_schemas(docs, version):
    """Strict: an unknown field (a typo such as `livenesProbe`) fails, as `kubectl apply` would refuse it."""
    problems = []
    for doc in [*docs, *load_all(EXAMPLE_SECRETS)]:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{doc['kind']}/{doc['metadata']['name']}: {exc.message} at {list(exc.path)}")
    assert not problems, "\n".join(problems)


def test_the_schema_check_catches_mistakes(docs):
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)
    pod = deployment["spec"]["template"]["spec"]
    typo = {**pod, "containers": [{**pod["containers"][0], "livenesProbe": {}}]}
    misspelt = {**deployment, "spec": {**deployment["spec"], "template": {**deployment["spec"]["template"],
                                                                         "spec": typo}}}
    with pytest.raises(kubernetes_validate.ValidationError, match="livenesProbe"):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSIONS[-1], strict=True)


# ----------------------------------------------------------------------------- workloads

_SUFFIX = {"m": Decimal("0.001"), "": Decimal(1), "k": Decimal(10**3), "M": Decimal(10**6), "G": Decimal(10**9),
           "Ki": Decimal(2**10), "Mi": Decimal(2**20), "Gi": Decimal(2**30), "Ti": Decimal(2**40)}


def quantity(value: Any) -> Decimal:
    """A Kubernetes resource quantity (`100m`, `1`, `512Mi`, `1Gi`) as a number."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi|Ti)?", str(value))
    assert m, f"not a quantity: {value!r}"
    return Decimal(m.group(1)) * _SUFFIX[m.group(2) or ""]


def test_every_workload_is_probed_bounded_and_unprivileged(docs):
    assert _workloads(docs)
    for w in _workloads(docs):
        name = w["metadata"]["name"]
        pod = w["spec"]["template"]["spec"]
        assert pod.get("securityContext", {}).get("runAsNonRoot") is True, name
        assert pod["securityContext"].get("runAsUser", 1) != 0, name
        assert pod.get("automountServiceAccountToken") is False, f"{name}: no workload talks to the API server"
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        claims = {t["metadata"]["name"] for t in w["spec"].get("volumeClaimTemplates") or []}
        if w["kind"] in ("Deployment", "StatefulSet"):
            for c in _containers(w, init=False):
                for probe in ("livenessProbe", "readinessProbe"):
                    assert c.get(probe), f"{name}/{c['name']}: no {probe}"
        for c in _containers(w):
            where = f"{name}/{c['name']}"
            res = c.get("resources") or {}
            for part in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(res.get(part) or {}), f"{where}: resources.{part}"
            for kind in ("cpu", "memory"):
                assert quantity(res["requests"][kind]) <= quantity(res["limits"][kind]), f"{where}: {kind}"
            sc = c.get("securityContext") or {}
            assert sc.get("readOnlyRootFilesystem") is True, f"{where}: writable root filesystem"
            assert sc.get("allowPrivilegeEscalation") is False, where
            assert sc.get("privileged") is not True, where
            assert "ALL" in (sc.get("capabilities") or {}).get("drop", []), where
            assert sc.get("runAsNonRoot", True) is True and sc.get("runAsUser", 1) != 0, where
            for mount in c.get("volumeMounts") or []:
                assert mount["name"] in volumes or mount["name"] in claims, f"{where}: {mount['name']} undefined"


def test_the_app_can_write_tmp_on_its_read_only_root(docs):
    """Python and the libraries it loads write temporary files: the app's containers get an emptyDir
    at /tmp, as the read-only root filesystem allows nothing else."""
    for w in _workloads(docs):
        volumes = {v["name"]: v for v in w["spec"]["template"]["spec"].get("volumes") or []}
        for c in _containers(w):
            if c["image"].split("@")[0].rsplit("/", 1)[-1].split(":")[0] != "kakawari":
                continue
            tmp = [m for m in c.get("volumeMounts") or [] if m["mountPath"] == "/tmp"]
            assert tmp and "emptyDir" in volumes[tmp[0]["name"]], f"{w['metadata']['name']}/{c['name']}: /tmp"


def _image_after_kustomize(image: str, transforms: list[dict]) -> str:
    """What kustomize's `images:` makes of a container's image."""
    name = re.split(r"[:@]", image.rsplit("/", 1)[-1], maxsplit=1)[0]
    prefix = image.rsplit("/", 1)[0] + "/" if "/" in image else ""
    base = prefix + name
    for t in transforms:
        if t["name"] == base:
            new = t.get("newName", base)
            if "digest" in t:
                return f"{new}@{t['digest']}"
            tag = t.get("newTag", image.split("@")[0].rsplit("/", 1)[-1].partition(":")[2])
            return f"{new}:{tag}" if tag else new
    return image


def test_every_image_is_pinned(docs):
    transforms = kustomization().get("images") or []
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    for w in _workloads(docs):
        for c in _containers(w):
            image = _image_after_kustomize(c["image"], transforms)
            last = image.rsplit("/", 1)[-1]
            tag = last.split("@")[0].partition(":")[2]
            assert "@sha256:" in image or (tag and tag != "latest" and re.search(r"\d", tag)), (
                f"{w['metadata']['name']}/{c['name']}: image {image} is not pinned")
            if last.split(":")[0].split("@")[0] == "kakawari":
                assert tag == version, f"{c['name']}: the app's image is {image}, the release is {version}"


# ------------------------------------------------------------------------------ NATS, streams


def test_streams_fit_the_nats_cluster(docs, monkeypatch, tmp_path):
    """The replicas `kakawari streams apply` asks for (in the streams Job), and those each service's
    `kakawari streams wait` waits for, as the code works them out from each container's environment,
    are the same and exist as NATS nodes; three, so one node may be lost."""
    nodes = next(d for d in _of_kind(docs, "StatefulSet") if d["metadata"]["name"] == "nats")["spec"]["replicas"]
    [job] = _of_kind(docs, "Job")
    steps = [("streams Job", job, "apply")] + [
        (svc, next(d for d in _of_kind(docs, "Deployment") if d["metadata"]["name"] == svc), "wait")
        for svc in SERVICES]
    for name, workload, verb in steps:
        found = [c for c in _containers(workload)
                 if command_argv(c.get("command"))[:3] == ["kakawari", "streams", verb]]
        assert len(found) == 1, name
        settings = settings_in(monkeypatch, container_env(docs, found[0]), tmp_path)
        assert settings.production
        replicas = _topology(settings).replicas
        assert 3 <= replicas <= nodes, f"{name}: R{replicas} streams on {nodes} NATS nodes"


def test_nats_nodes_never_share_a_host(docs):
    sts = next(d for d in _of_kind(docs, "StatefulSet") if d["metadata"]["name"] == "nats")
    labels = sts["spec"]["template"]["metadata"]["labels"]
    terms = (((sts["spec"]["template"]["spec"].get("affinity") or {}).get("podAntiAffinity") or {})
             .get("requiredDuringSchedulingIgnoredDuringExecution") or [])
    assert any(t["topologyKey"] == "kubernetes.io/hostname"
               and (t["labelSelector"].get("matchLabels") or {}).items() <= labels.items()
               and t["labelSelector"].get("matchLabels") for t in terms), "required anti-affinity on hostname"


# --------------------------------------------------------------------------- PostgreSQL pools


def _surge(deployment: dict) -> int:
    """Extra pods a rolling update may start (maxSurge: a number or a share of replicas, rounded up)."""
    strategy = deployment["spec"].get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge", "25%")
    replicas = deployment["spec"].get("replicas", 1)
    if isinstance(surge, str) and surge.endswith("%"):
        return math.ceil(replicas * int(surge[:-1]) / 100)
    return int(surge)


def test_database_pools_fit_postgresql_max_connections(docs, monkeypatch, tmp_path):
    """Σ (replicas + maxSurge) × (pool + overflow) over the Deployments ≤ max_connections − reserve, with
    each pool as kit.config.DatabasePool reads it from the container's environment."""
    config = next(d for d in _of_kind(docs, "ConfigMap") if d["metadata"]["name"] == "kakawari-config")
    notes = config["metadata"].get("annotations") or {}
    assert BUDGET in notes and RESERVED in notes, f"kakawari-config must record {BUDGET} and {RESERVED}"
    available = int(notes[BUDGET]) - int(notes[RESERVED])
    used, lines = 0, []
    for deployment in _of_kind(docs, "Deployment"):
        main = _containers(deployment, init=False)[0]
        settings_in(monkeypatch, container_env(docs, main), tmp_path)
        pool = DatabasePool.from_env()
        pods = deployment["spec"].get("replicas", 1) + _surge(deployment)
        used += pods * pool.most
        lines.append(f"{deployment['metadata']['name']}: {pods} pods x {pool.most}")
    assert set(SERVICES) <= {d["metadata"]["name"] for d in _of_kind(docs, "Deployment")}
    assert used <= available, f"{used} connections > {available} ({'; '.join(lines)})"
    assert int(notes[RESERVED]) >= 3, "PostgreSQL keeps superuser_reserved_connections (3) for itself"


# ------------------------------------------------------------------------------ production


def test_each_service_starts_with_settings_production_accepts(docs, monkeypatch, tmp_path):
    """Given real Secrets, every service's environment passes Settings.validate() (which refuses a
    missing or example key, a proxy list trusting everyone, a malformed pool size), and trusts the
    ingress's X-Forwarded-For rather than only the pod's own loopback."""
    for deployment in _of_kind(docs, "Deployment"):
        main = _containers(deployment, init=False)[0]
        settings = settings_in(monkeypatch, container_env(docs, main), tmp_path).validate()
        assert settings.production, main["name"]
        assert settings.forwarded_allow_ips != Settings().forwarded_allow_ips, (
            f"{main['name']}: behind the ingress, KAKAWARI_FORWARDED_ALLOW_IPS must name its addresses")
