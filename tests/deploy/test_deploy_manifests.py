"""Static checks of the deployment files (no Docker engine / cluster needed).

Parses Dockerfile, .dockerignore, docker-compose.yml and deploy/k8s/*.yaml and
checks their structure and wiring against the platform's contract:
commands, probes, resources, non-root, selectors, env var names, NATS cluster.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

SERVICES = ("registry", "forum", "matching", "notify")
NAMESPACE = "kakawari"
APP_PORT = 8000

# The documented application environment (the only names the code reads).
DOCUMENTED_ENV = frozenset(
    {
        "NATS_URL",
        "DATABASE_URL",
        "PORT",
        "SMTP_URL",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_SERVICE_NAME",
        "KAKAWARI_SECRET_KEY",
        "KAKAWARI_ENV",
        "LOG_LEVEL",
        "PUBLIC_BASE_URL",
    }
)
# Interpreter/tooling variables a Python image may set besides the above, and
# HOST (kit.config's bind address, default 127.0.0.1: the image must set 0.0.0.0).
DOCKERFILE_TOOLING_ENV = frozenset({"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "HOST"})

# --------------------------------------------------------------------- helpers


def _load_all(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [d for d in yaml.safe_load_all(fh) if d is not None]


def _k8s_files() -> list[Path]:
    return sorted(p for p in K8S.iterdir() if p.suffix in (".yaml", ".yml"))


def _k8s_resource_files() -> list[Path]:
    return [p for p in _k8s_files() if p.name != "kustomization.yaml"]


@pytest.fixture(scope="module")
def compose() -> dict:
    docs = _load_all(COMPOSE)
    assert len(docs) == 1, "docker-compose.yml must be a single YAML document"
    return docs[0]


@pytest.fixture(scope="module")
def k8s_docs() -> list[tuple[str, dict]]:
    out = []
    for path in _k8s_resource_files():
        for doc in _load_all(path):
            out.append((path.name, doc))
    assert out, "no Kubernetes manifests found"
    return out


def _of_kind(docs, kind: str) -> list[dict]:
    return [d for _, d in docs if d.get("kind") == kind]


def _by_name(docs, kind: str, name: str) -> dict:
    found = [d for d in _of_kind(docs, kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected exactly one {kind}/{name}, found {len(found)}"
    return found[0]


def _argv(command) -> list[str]:
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(c) for c in command]


def _pod_containers(pod_spec: dict) -> list[dict]:
    return list(pod_spec.get("initContainers") or []) + list(pod_spec["containers"])


def _is_app_image(image: str) -> bool:
    """True for the kakawari image, whatever its registry, tag or digest."""
    last = image.split("@")[0].rsplit("/", 1)[-1]
    return last.split(":")[0] == "kakawari"


def _workloads(docs) -> list[dict]:
    return [d for _, d in docs if d.get("kind") in ("Deployment", "StatefulSet", "Job")]


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


# ------------------------------------------------------------------ Dockerfile


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


def test_dockerfile_env_names_documented():
    names = []
    for op, rest in _dockerfile_instructions():
        if op == "ENV":
            names += _dockerfile_env_names(rest)
    allowed = DOCUMENTED_ENV | DOCKERFILE_TOOLING_ENV
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


# -------------------------------------------------------------- docker compose


def test_compose_app_services(compose):
    services = compose["services"]
    ports_seen = set()
    for i, svc in enumerate(SERVICES, start=1):
        assert svc in services, f"compose service {svc} missing"
        s = services[svc]
        argv = _argv(s.get("command"))
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
        test = " ".join(_argv(hc.get("test")))
        assert "/healthz" in test and str(APP_PORT) in test, f"{svc}: healthcheck {hc}"
        assert "curl" not in test and "wget" not in test

        published = [str(p) for p in s.get("ports", [])]
        assert published == [f"{8000 + i}:{APP_PORT}"], f"{svc}: ports {published}"
        ports_seen.add(published[0])

        dep = s.get("depends_on") or {}
        assert dep.get("init", {}).get("condition") == "service_completed_successfully"
        assert s.get("image") or s.get("build")

    assert "SMTP_URL" in services["notify"]["environment"]
    smtp = urlsplit(services["notify"]["environment"]["SMTP_URL"])
    assert smtp.scheme == "smtp" and smtp.hostname in services
    for svc in ("registry", "forum", "matching"):
        assert "SMTP_URL" not in services[svc]["environment"]


def test_compose_init_job(compose):
    services = compose["services"]
    init = services["init"]
    script = " ".join(_argv(init["command"]))
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
        argv = _argv(s["command"])
        assert "-js" in argv or "--js" in argv or "--jetstream" in argv, f"{node}: no JetStream"
        opts = {a: argv[i + 1] for i, a in enumerate(argv[:-1]) if a.startswith("-")}
        assert (opts.get("--name") or opts.get("-n")) == node
        assert opts.get("--cluster_name") == "kakawari"
        assert urlsplit(opts["--cluster"]).port == 6222
        routes = [urlsplit(r) for r in opts["--routes"].split(",")]
        assert sorted(r.hostname for r in routes) == nodes
        assert all(r.port == 6222 for r in routes)
        store = opts.get("--sd") or opts.get("--store_dir")
        assert store, f"{node}: no JetStream store dir"
        vols = [str(v) for v in s.get("volumes", [])]
        assert any(v.endswith(":" + store) for v in vols), f"{node}: store dir not on a volume"
        assert "healthz" in " ".join(_argv(s["healthcheck"]["test"]))


def test_compose_postgres_and_extras(compose):
    services = compose["services"]
    pg = services["postgres"]
    assert pg["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(_argv(pg["healthcheck"]["test"]))
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


def test_compose_env_names_documented(compose):
    services = compose["services"]
    for name, s in services.items():
        if s.get("image", "").split(":")[0] != "kakawari" and "build" not in s:
            continue
        env = s.get("environment") or {}
        keys = env.keys() if isinstance(env, dict) else [e.split("=", 1)[0] for e in env]
        bad = set(keys) - DOCUMENTED_ENV
        assert not bad, f"{name}: undocumented env vars {bad}"
        # variables set inline in the command line (VAR=value cmd)
        for m in re.finditer(r"(?:^|\s)([A-Z_][A-Z0-9_]*)=", " ".join(_argv(s.get("command")))):
            assert m.group(1) in DOCUMENTED_ENV, f"{name}: {m.group(1)}"
    # ${VAR} interpolation from the host shell / .env
    raw = COMPOSE.read_text(encoding="utf-8")
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", raw))
    assert interpolated <= DOCUMENTED_ENV, interpolated - DOCUMENTED_ENV


# ------------------------------------------------------------------ Kubernetes


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
        docs = _load_all(K8S / f"{svc}.yaml")
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
        argv = _argv(c.get("command")) + _argv(c.get("args"))
        assert argv[:3] == ["kakawari", "serve", svc], f"{svc}: {argv}"
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert APP_PORT in ports.values()

        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
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
    argv = _argv(c.get("command")) + _argv(c.get("args"))
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
    binary = shutil.which("nats-server") or str(Path(sys.executable).parent / "nats-server")
    if not os.access(binary, os.X_OK):
        pytest.skip("nats-server binary not available")
    conf = _by_name(k8s_docs, "ConfigMap", "nats-config")["data"]["nats.conf"]
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as fh:
        fh.write(conf)
    try:
        r = subprocess.run(
            [binary, "-t", "-c", fh.name],
            check=False,
            env={**os.environ, "POD_NAME": "nats-0"},
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


def test_k8s_init_job(k8s_docs):
    jobs = _of_kind(k8s_docs, "Job")
    assert len(jobs) == 1
    pod = jobs[0]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure")
    assert pod["securityContext"]["runAsNonRoot"] is True
    commands = []
    for c in _pod_containers(pod):
        argv = _argv(c.get("command")) + _argv(c.get("args"))
        commands.append(" ".join(argv))
        assert {"requests", "limits"} <= set(c.get("resources", {})), c["name"]
        assert _is_app_image(c["image"])
        env = {e["name"]: e for e in c.get("env", [])}
        if argv[:2] == ["kakawari", "migrate"]:
            ref = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
            assert ref["name"] == _deployment_db_secret(k8s_docs, argv[2]), c["name"]
    joined = "\n".join(commands)
    assert "kakawari streams apply" in joined
    for svc in SERVICES:
        assert f"kakawari migrate {svc}" in joined, f"Job does not migrate {svc}"


def _deployment_db_secret(k8s_docs, svc: str) -> str:
    c = _by_name(k8s_docs, "Deployment", svc)["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in c["env"]}
    return env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"]


def test_k8s_secret_and_configmap_refs_exist(k8s_docs):
    secrets = {s["metadata"]["name"]: s for s in _of_kind(k8s_docs, "Secret")}
    cms = {c["metadata"]["name"]: c for c in _of_kind(k8s_docs, "ConfigMap")}
    for s in secrets.values():
        # the committed Secrets are examples only
        assert s["metadata"].get("annotations", {}).get("kakawari.io/example") == "true"
        for v in (s.get("stringData") or {}).values():
            assert "CHANGE_ME" in v, f"{s['metadata']['name']}: non-placeholder value"
    assert "EXAMPLE" in (K8S / "secrets.example.yaml").read_text(encoding="utf-8")
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


def test_k8s_env_names_documented(k8s_docs):
    cm = _by_name(k8s_docs, "ConfigMap", "kakawari-config")
    assert set(cm["data"]) <= DOCUMENTED_ENV, set(cm["data"]) - DOCUMENTED_ENV
    for s in _of_kind(k8s_docs, "Secret"):
        keys = set(s.get("stringData") or {}) | set(s.get("data") or {})
        assert keys <= DOCUMENTED_ENV, (s["metadata"]["name"], keys - DOCUMENTED_ENV)
    for w in _workloads(k8s_docs):
        for c in _pod_containers(w["spec"]["template"]["spec"]):
            if not _is_app_image(c["image"]):
                continue
            names = {e["name"] for e in c.get("env", [])}
            assert names <= DOCUMENTED_ENV, (c["name"], names - DOCUMENTED_ENV)


def test_k8s_all_pods_non_root(k8s_docs):
    for w in _workloads(k8s_docs):
        pod = w["spec"]["template"]["spec"]
        assert pod.get("securityContext", {}).get("runAsNonRoot") is True, w["metadata"]["name"]
        for c in _pod_containers(pod):
            sc = c.get("securityContext", {})
            assert sc.get("allowPrivilegeEscalation") is False, c["name"]
            assert "ALL" in sc.get("capabilities", {}).get("drop", []), c["name"]


def test_kustomization_lists_every_file():
    docs = _load_all(K8S / "kustomization.yaml")
    assert len(docs) == 1
    k = docs[0]
    assert k["kind"] == "Kustomization"
    assert k["apiVersion"].startswith("kustomize.config.k8s.io/")
    listed = k["resources"]
    assert len(listed) == len(set(listed)), "duplicate entries"
    assert set(listed) == {p.name for p in _k8s_resource_files()}
    assert listed[0] == "namespace.yaml"
    assert k.get("namespace") == NAMESPACE
    images = {i["name"] for i in k.get("images", [])}
    assert "kakawari" in images


def test_readme_exists():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "make deploy-check" in text and "docker compose" in text and "kubectl" in text
