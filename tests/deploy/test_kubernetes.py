"""Static checks of deploy/k8s/*.yaml (no cluster needed): structure, Deployments, probes,
resources, non-root, selectors, PDBs, the Ingress, the NATS cluster and its config, each pod's init
containers (streams, migrations), the Secrets they read (documented, never applied) and ConfigMaps,
env var names, the kustomization; and deploy/README.md. More properties: test_k8s_properties.py."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kakawari.nats_cli import password_variable, platform_users
from kit.dev.nats_server import nats_binary
from kit.messaging.subjects import Naming
from tests.deploy.manifests import (
    APP_PORT,
    DEPLOY,
    EXAMPLE_SECRETS,
    K8S,
    KUSTOMIZATION,
    NAMESPACE,
    SERVICES,
    applied_k8s_docs,
    command_argv,
    kustomization,
    load_all,
)


def _k8s_files() -> list[Path]:
    return sorted(p for p in K8S.iterdir() if p.suffix in (".yaml", ".yml"))


def _k8s_resource_files() -> list[Path]:
    """Every manifest the kustomization applies: all but itself and the Secrets' example."""
    return [p for p in _k8s_files() if p not in (KUSTOMIZATION, EXAMPLE_SECRETS)]


@pytest.fixture(scope="module")
def k8s_docs() -> list[tuple[str, dict]]:
    out = applied_k8s_docs()
    assert out, "no Kubernetes manifests found"
    return out


@pytest.fixture(scope="module")
def example_secrets() -> dict[str, dict]:
    docs = load_all(EXAMPLE_SECRETS)
    assert docs and all(d["kind"] == "Secret" for d in docs)
    return {d["metadata"]["name"]: d for d in docs}


def _of_kind(docs, kind: str) -> list[dict]:
    return [d for _, d in docs if d.get("kind") == kind]


def _by_name(docs, kind: str, name: str) -> dict:
    found = [d for d in _of_kind(docs, kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected exactly one {kind}/{name}, found {len(found)}"
    return found[0]


def _pod_containers(pod_spec: dict) -> list[dict]:
    return list(pod_spec.get("initContainers") or []) + list(pod_spec["containers"])


def _is_app_image(image: str) -> bool:
    """True for the kakawari image, whatever its registry, tag or digest."""
    last = image.split("@")[0].rsplit("/", 1)[-1]
    return last.split(":")[0] == "kakawari"


def _workloads(docs) -> list[dict]:
    return [d for _, d in docs if d.get("kind") in ("Deployment", "StatefulSet", "Job")]


def test_k8s_every_doc_is_structurally_valid(k8s_docs):
    seen = set()
    for fname, d in k8s_docs:
        assert isinstance(d, dict), fname
        for key in ("apiVersion", "kind", "metadata"):
            assert key in d, f"{fname}: missing {key}"
        assert d["metadata"].get("name"), f"{fname}: {d['kind']} without metadata.name"
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", d["metadata"]["name"])
        if d["kind"] != "Namespace":
            assert d["metadata"].get("namespace") == NAMESPACE, f"{fname}: {d['metadata']}"
        key = (d["kind"], d["metadata"]["name"])
        assert key not in seen, f"duplicate {key}"
        seen.add(key)

    for w in _workloads(k8s_docs):
        spec = w["spec"]["template"]["spec"]
        for c in _pod_containers(spec):
            assert c.get("name") and c.get("image"), w["metadata"]["name"]
            for p in c.get("ports", []):
                assert isinstance(p["containerPort"], int) and 0 < p["containerPort"] < 65536
                assert "name" in p
    for s in _of_kind(k8s_docs, "Service"):
        for p in s["spec"]["ports"]:
            assert isinstance(p["port"], int)
            assert isinstance(p.get("targetPort", p["port"]), (int, str))


def test_k8s_namespace(k8s_docs):
    _by_name(k8s_docs, "Namespace", NAMESPACE)


def test_k8s_deployments(k8s_docs):
    deployments = {d["metadata"]["name"]: d for d in _of_kind(k8s_docs, "Deployment")}
    assert set(deployments) == set(SERVICES)
    for svc in SERVICES:
        # one file per service holding its Deployment, Service and PDB
        docs = load_all(K8S / f"{svc}.yaml")
        kinds = sorted(d["kind"] for d in docs)
        assert kinds == ["Deployment", "PodDisruptionBudget", "Service"], f"{svc}.yaml: {kinds}"

        dep = deployments[svc]
        spec = dep["spec"]
        assert spec["replicas"] == 2, f"{svc}: replicas"
        tmpl = spec["template"]
        labels = tmpl["metadata"]["labels"]
        assert spec["selector"]["matchLabels"].items() <= labels.items()

        ann = tmpl["metadata"].get("annotations", {})
        assert ann.get("prometheus.io/scrape") == "true"
        assert ann.get("prometheus.io/port") == str(APP_PORT)
        assert ann.get("prometheus.io/path") == "/metrics"

        pod = tmpl["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"].get("runAsUser", 1) != 0
        assert len(pod["containers"]) == 1
        c = pod["containers"][0]
        assert _is_app_image(c["image"]), c["image"]
        argv = command_argv(c.get("command")) + command_argv(c.get("args"))
        assert argv[:3] == ["kakawari", "serve", svc], f"{svc}: {argv}"
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert APP_PORT in ports.values()

        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
        # Liveness is the process answering; readiness is its database (NATS away only degrades it).
        assert c["livenessProbe"]["httpGet"]["path"] == "/livez"
        for probe in ("readinessProbe", "livenessProbe"):
            port = c[probe]["httpGet"]["port"]
            assert (ports[port] if isinstance(port, str) else port) == APP_PORT, probe

        res = c["resources"]
        for part in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(res[part]), f"{svc}: resources.{part}"

        sc = c.get("securityContext", {})
        assert sc.get("allowPrivilegeEscalation") is False
        assert sc.get("runAsNonRoot", pod["securityContext"]["runAsNonRoot"]) is True

        env = {e["name"]: e for e in c.get("env", [])}
        db = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
        assert db["key"] == "DATABASE_URL"
        assert svc in db["name"], f"{svc}: DATABASE_URL from secret {db['name']}"
        assert "valueFrom" in env["KAKAWARI_SECRET_KEY"], "KAKAWARI_SECRET_KEY must come from a Secret"
        if svc == "notify":
            assert "SMTP_URL" in env
        assert [r["configMapRef"]["name"] for r in c.get("envFrom", [])] == ["kakawari-config"]


def test_k8s_pdbs_match_workloads(k8s_docs):
    pod_labels = [w["spec"]["template"]["metadata"]["labels"] for w in _workloads(k8s_docs)]
    pdbs = _of_kind(k8s_docs, "PodDisruptionBudget")
    names = {p["metadata"]["name"] for p in pdbs}
    assert set(SERVICES) | {"nats"} <= names
    for p in pdbs:
        sel = p["spec"]["selector"]["matchLabels"]
        assert any(sel.items() <= lbl.items() for lbl in pod_labels), p["metadata"]["name"]
        assert ("minAvailable" in p["spec"]) != ("maxUnavailable" in p["spec"])


def test_k8s_services_select_workloads(k8s_docs):
    targets = _of_kind(k8s_docs, "Deployment") + _of_kind(k8s_docs, "StatefulSet")
    for s in _of_kind(k8s_docs, "Service"):
        sel = s["spec"].get("selector")
        assert sel, f"Service {s['metadata']['name']} has no selector"
        matches = [w for w in targets if sel.items() <= w["spec"]["template"]["metadata"]["labels"].items()]
        assert matches, f"Service {s['metadata']['name']} selects no Deployment/StatefulSet"
        for w in matches:
            cports = {
                p["name"]: p["containerPort"]
                for c in w["spec"]["template"]["spec"]["containers"]
                for p in c.get("ports", [])
            }
            for p in s["spec"]["ports"]:
                tp = p.get("targetPort", p["port"])
                if isinstance(tp, str):
                    assert tp in cports, f"{s['metadata']['name']}: targetPort {tp}"
                else:
                    assert tp in cports.values()
    for svc in SERVICES:
        _by_name(k8s_docs, "Service", svc)


def test_k8s_ingress_routes(k8s_docs):
    ingresses = _of_kind(k8s_docs, "Ingress")
    assert len(ingresses) == 1
    services = {s["metadata"]["name"]: s for s in _of_kind(k8s_docs, "Service")}
    routed = {}
    for rule in ingresses[0]["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            routed[path["path"]] = backend["name"]
            svc = services[backend["name"]]
            port = backend["port"]
            if "number" in port:
                assert port["number"] in [p["port"] for p in svc["spec"]["ports"]]
            else:
                assert port["name"] in [p.get("name") for p in svc["spec"]["ports"]]
            assert path["pathType"] in ("Prefix", "ImplementationSpecific", "Exact")
    assert routed == {f"/{s}": s for s in SERVICES}


def test_k8s_nats_cluster(k8s_docs):
    sts = _by_name(k8s_docs, "StatefulSet", "nats")
    spec = sts["spec"]
    assert spec["replicas"] == 3
    headless = _by_name(k8s_docs, "Service", spec["serviceName"])
    assert headless["spec"].get("clusterIP") == "None"
    assert headless["spec"].get("publishNotReadyAddresses") is True
    client = _by_name(k8s_docs, "Service", "nats")
    assert 4222 in [p["port"] for p in client["spec"]["ports"]]

    pod = spec["template"]["spec"]
    c = pod["containers"][0]
    assert c["image"].startswith("nats:2.")
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert {"requests", "limits"} <= set(c["resources"])
    assert spec.get("volumeClaimTemplates"), "JetStream needs persistent volumes"
    data_claims = {t["metadata"]["name"] for t in spec["volumeClaimTemplates"]}
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}

    # config file comes from the ConfigMap
    cfg_vols = [v for v in pod["volumes"] if "configMap" in v]
    assert len(cfg_vols) == 1
    cm = _by_name(k8s_docs, "ConfigMap", cfg_vols[0]["configMap"]["name"])
    conf = cm["data"]["nats.conf"]
    argv = command_argv(c.get("command")) + command_argv(c.get("args"))
    conf_path = argv[argv.index("--config") + 1] if "--config" in argv else argv[argv.index("-c") + 1]
    assert conf_path.startswith(mounts[cfg_vols[0]["name"]] + "/")
    assert conf_path.rsplit("/", 1)[1] == "nats.conf"

    js = re.search(r"jetstream\s*\{([^}]*)\}", conf)
    assert js, "nats.conf: no jetstream block"
    store = re.search(r"store_dir\s*:\s*\"?([^\s\"]+)", js.group(1)).group(1)
    assert any(mounts.get(name) and store.startswith(mounts[name]) for name in data_claims), (
        f"store_dir {store} not on a persistent volume"
    )

    cl = re.search(r"cluster\s*\{(.*?)\n\s*\}", conf, re.DOTALL)
    assert cl, "nats.conf: no cluster block"
    assert re.search(r"\bname\s*:\s*\S+", cl.group(1))
    routes = re.findall(r"nats://([\w.-]+):(\d+)", cl.group(1))
    hosts = sorted(h.split(".")[0] for h, _ in routes)
    assert hosts == [f"nats-{i}" for i in range(3)]
    for h, port in routes:
        assert h.split(".")[1] == spec["serviceName"], f"route {h} not via the headless Service"
        assert port == "6222"
    assert re.search(r"server_name\s*:\s*\$POD_NAME", conf)
    env = {e["name"] for e in c.get("env", [])}
    assert "POD_NAME" in env


def test_k8s_nats_conf_parses_with_nats_server(k8s_docs):
    """The wheel's server (the version the images pin), never whatever is on PATH, with every user's
    password variable set as the Secret sets them."""
    conf = _by_name(k8s_docs, "ConfigMap", "nats-config")["data"]["nats.conf"]
    passwords = {password_variable(u.name): "k-x" for u in platform_users(Naming(""))}
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as fh:
        fh.write(conf)
    try:
        r = subprocess.run(
            [str(nats_binary()), "-t", "-c", fh.name],
            check=False,
            env={**os.environ, "POD_NAME": "nats-0", **passwords},
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        os.unlink(fh.name)
    assert r.returncode == 0, r.stdout + r.stderr


def test_k8s_shared_config_nats_url(k8s_docs):
    cm = _by_name(k8s_docs, "ConfigMap", "kakawari-config")
    sts = _by_name(k8s_docs, "StatefulSet", "nats")
    urls = [urlsplit(u.strip()) for u in cm["data"]["NATS_URL"].split(",")]
    expected = [f"nats-{i}.{sts['spec']['serviceName']}" for i in range(sts["spec"]["replicas"])]
    assert sorted(u.hostname for u in urls) == expected
    assert all(u.scheme == "nats" and u.port == 4222 for u in urls)
    assert cm["data"]["KAKAWARI_ENV"] == "production"
    assert cm["data"]["PORT"] == str(APP_PORT)
    for secret_key in ("KAKAWARI_SECRET_KEY", "DATABASE_URL", "SMTP_URL"):
        assert secret_key not in cm["data"], f"{secret_key} belongs in a Secret"


def test_k8s_streams_and_migrations_run_before_each_service(k8s_docs):
    """Every pod of a service first waits for the release's streams (with the service's own NATS user),
    then migrates that service's own database (the same Secret as the service), in init containers:
    nothing serves before both succeeded, and a new image's pods migrate before they serve."""
    for svc in SERVICES:
        pod = _by_name(k8s_docs, "Deployment", svc)["spec"]["template"]["spec"]
        steps = []
        for c in pod.get("initContainers") or []:
            argv = command_argv(c.get("command")) + command_argv(c.get("args"))
            steps.append(" ".join(argv))
            assert _is_app_image(c["image"]), c["name"]
            assert {"requests", "limits"} <= set(c.get("resources", {})), c["name"]
            assert c.get("restartPolicy") is None, f"{svc}/{c['name']}: a sidecar would not run to completion first"
            assert [r["configMapRef"]["name"] for r in c.get("envFrom", [])] == ["kakawari-config"], c["name"]
            env = {e["name"]: e for e in c.get("env", [])}
            if argv[:2] == ["kakawari", "migrate"]:
                ref = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
                assert ref == {"name": _deployment_db_secret(k8s_docs, svc), "key": "DATABASE_URL"}, c["name"]
            else:
                assert env["NATS_USER"]["value"] == svc, f"{svc}/{c['name']}: waits as {env['NATS_USER']}"
        assert steps == [f"kakawari streams wait {svc}", f"kakawari migrate {svc}"], f"{svc}: init containers {steps}"


def test_k8s_the_release_job_alone_applies_streams_as_admin(k8s_docs):
    """One Job applies the streams and consumers; its name carries the release (a Job's pod template cannot
    change, so each release is a new Job), and it is the only workload given the NATS admin's password."""
    version = kustomization()["images"][0]["newTag"]
    [job] = _of_kind(k8s_docs, "Job")
    assert job["metadata"]["name"] == f"kakawari-streams-{version.replace('.', '-')}", job["metadata"]["name"]
    assert job["metadata"]["labels"]["app.kubernetes.io/version"] == version
    assert job["spec"].get("ttlSecondsAfterFinished"), "finished Jobs of old releases are cleaned up"
    [c] = job["spec"]["template"]["spec"]["containers"]
    assert command_argv(c.get("command")) == ["kakawari", "streams", "apply"] and _is_app_image(c["image"])
    for kind in ("Deployment", "StatefulSet", "Job"):
        for workload in _of_kind(k8s_docs, kind):
            for container in _pod_containers(workload["spec"]["template"]["spec"]):
                keys = {(e.get("valueFrom") or {}).get("secretKeyRef", {}).get("key") for e in container.get("env", [])}
                holds_admin = password_variable("admin") in keys
                assert holds_admin == (workload is job), f"{workload['metadata']['name']}/{container['name']}"


def _deployment_db_secret(k8s_docs, svc: str) -> str:
    c = _by_name(k8s_docs, "Deployment", svc)["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in c["env"]}
    return env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"]


def test_k8s_secret_and_configmap_refs_exist(k8s_docs, example_secrets):
    """No Secret is applied; the example documents every Secret and key the workloads read."""
    assert not _of_kind(k8s_docs, "Secret"), "Secrets are created by the operator, not applied from the repository"
    secrets = example_secrets
    cms = {c["metadata"]["name"]: c for c in _of_kind(k8s_docs, "ConfigMap")}
    for s in secrets.values():
        # the committed Secrets are examples only
        assert s["metadata"].get("annotations", {}).get("kakawari.io/example") == "true"
        for v in (s.get("stringData") or {}).values():
            assert "CHANGE_ME" in v, f"{s['metadata']['name']}: non-placeholder value"
    assert "EXAMPLE" in EXAMPLE_SECRETS.read_text(encoding="utf-8")
    for w in _workloads(k8s_docs):
        for c in _pod_containers(w["spec"]["template"]["spec"]):
            for e in c.get("env", []):
                ref = (e.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] in secrets, ref
                    assert ref["key"] in secrets[ref["name"]]["stringData"], ref
            for ef in c.get("envFrom", []):
                if "configMapRef" in ef:
                    assert ef["configMapRef"]["name"] in cms
                if "secretRef" in ef:
                    assert ef["secretRef"]["name"] in secrets


def test_k8s_env_names_documented(k8s_docs, example_secrets, documented_env):
    cm = _by_name(k8s_docs, "ConfigMap", "kakawari-config")
    assert set(cm["data"]) <= documented_env, set(cm["data"]) - documented_env
    for s in example_secrets.values():
        keys = set(s.get("stringData") or {}) | set(s.get("data") or {})
        assert keys <= documented_env, (s["metadata"]["name"], keys - documented_env)
    for w in _workloads(k8s_docs):
        for c in _pod_containers(w["spec"]["template"]["spec"]):
            if not _is_app_image(c["image"]):
                continue
            names = {e["name"] for e in c.get("env", [])}
            assert names <= documented_env, (c["name"], names - documented_env)


def test_k8s_all_pods_non_root(k8s_docs):
    for w in _workloads(k8s_docs):
        pod = w["spec"]["template"]["spec"]
        assert pod.get("securityContext", {}).get("runAsNonRoot") is True, w["metadata"]["name"]
        for c in _pod_containers(pod):
            sc = c.get("securityContext", {})
            assert sc.get("allowPrivilegeEscalation") is False, c["name"]
            assert "ALL" in sc.get("capabilities", {}).get("drop", []), c["name"]


def test_kustomization_lists_every_file():
    k = kustomization()
    assert k["kind"] == "Kustomization"
    assert k["apiVersion"].startswith("kustomize.config.k8s.io/")
    listed = k["resources"]
    assert len(listed) == len(set(listed)), "duplicate entries"
    assert set(listed) == {p.name for p in _k8s_resource_files()}
    assert EXAMPLE_SECRETS.exists() and EXAMPLE_SECRETS.name not in listed, "the example Secrets are never applied"
    assert not k.get("secretGenerator"), "no secret values in the repository"
    assert listed[0] == "namespace.yaml"
    assert k.get("namespace") == NAMESPACE
    images = {i["name"] for i in k.get("images", [])}
    assert "kakawari" in images


def test_readme_exists():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "make deploy-check" in text and "docker compose" in text and "kubectl" in text
