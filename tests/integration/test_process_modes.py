"""Both deployment modes as real processes: `kakawari up` (all-in-one, embedded NATS)
and `kakawari serve <service>` (one process per service on a shared NATS), plus the
operator CLI for streams and the dead-letter queue."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import psutil
import pytest
from typer.testing import CliRunner

from kakawari import catalog
from kakawari.cli import app as cli
from kit.dev.nats_server import free_port
from kit.messaging.dlq import DeadLetters
from kit.messaging.subjects import Naming
from services.notify.delivery.dev_smtp import SmtpSink
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD

KAKAWARI = str(Path(sys.executable).parent / "kakawari")


def wait_ready(url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if process is not None and process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace")[-3000:] if process.stderr else ""
            raise AssertionError(f"exited with {process.returncode} before it was ready:\n{stderr}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready in {timeout_s}s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGINT, timeout_s: float = 10) -> float:
    started = time.monotonic()
    process.send_signal(sig)
    process.wait(timeout_s)
    if process.stderr is not None:
        process.stderr.close()
    return time.monotonic() - started


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NATS_URL", "DATABASE_URL", "SMTP_URL"))}
    base.update(KAKAWARI_DATA_DIR=str(tmp_path / "var"), LOG_LEVEL="WARNING", KAKAWARI_SECRET_KEY="process-test-key")
    yield base


def test_all_in_one_starts_serves_and_stops_cleanly_on_sigint(env: dict[str, str]) -> None:
    port = free_port()
    env = env | {"PORT": str(port), "KAKAWARI_SEED_DEMO": "0"}
    env.pop("NATS_URL", None)
    for round_ in ("first start", "second start, same data"):
        process = subprocess.Popen([KAKAWARI, "up"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            took = wait_ready(f"http://127.0.0.1:{port}", 60, process)
            body = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
            assert set(body["services"]) == set(catalog.SERVICE_NAMES), round_
            home = httpx.get(f"http://127.0.0.1:{port}/")
            assert home.status_code == 307 and home.headers["location"] == "/registry/"
            assert httpx.get(f"http://127.0.0.1:{port}/registry/").status_code == 200
            if round_.startswith("second"):
                assert took < 10, f"second start took {took:.1f}s"
            children = psutil.Process(process.pid).children(recursive=True)
            assert any("nats-server" in c.name() for c in children), "embedded NATS not running"
        finally:
            elapsed = stop(process)
        assert elapsed < 10, f"SIGINT took {elapsed:.1f}s"
        assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE], round_


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def test_services_in_their_own_processes_talk_over_nats(env: dict[str, str], nats_url: str, smtp: SmtpSink,
                                                         tmp_path: Path) -> None:
    namespace = f"p{os.getpid()}{int(time.time()) % 100000}"
    ports = {"registry": free_port(), "notify": free_port()}
    processes = []
    try:
        for service, port in ports.items():
            service_env = env | {"NATS_URL": nats_url, "PORT": str(port), "KAKAWARI_NAMESPACE": namespace,
                                 "DATABASE_URL": f"sqlite:///{tmp_path / f'{service}.db'}",
                                 "SMTP_URL": smtp.url, "KAKAWARI_SEED_DEMO": "1"}
            processes.append(subprocess.Popen([KAKAWARI, "serve", service], env=service_env,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for port, process in zip(ports.values(), processes, strict=True):
            wait_ready(f"http://127.0.0.1:{port}", 60, process)
        registry = f"http://127.0.0.1:{ports['registry']}/registry/api/v1"
        token = httpx.post(f"{registry}/auth/token",
                           json={"email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD}).json()["access_token"]
        applied = httpx.post(f"{registry}/applications", json={
            "kind": "municipality", "local_government_code": "202011",  # 長野市: not in the demo data
            "contact_name": "長野 花子", "contact_email": "hanako@city.nagano.example.jp"})
        assert applied.status_code == 201, applied.text
        approved = httpx.post(f"{registry}/members/{applied.json()['id']}/approve",
                              headers={"authorization": f"Bearer {token}"})
        assert approved.status_code == 200, approved.text
        deadline = time.monotonic() + 20
        while not [m for m in smtp.messages if "入会承認" in m.subject]:
            assert time.monotonic() < deadline, [m.subject for m in smtp.messages]
            time.sleep(0.1)
        assert (tmp_path / "notify.db").exists() and (tmp_path / "registry.db").exists()  # each its own database
    finally:
        for process in processes:
            stop(process, signal.SIGTERM)
        asyncio.run(_delete_streams(nats_url, namespace))


async def _delete_streams(nats_url: str, namespace: str) -> None:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    for name in await js.streams_info():
        if name.config.name and name.config.name.startswith(namespace.upper() + "_"):
            await js.delete_stream(name.config.name)
    await nc.close()


def test_cli_applies_streams_and_lists_and_replays_dead_letters(nats_url: str, tmp_path: Path) -> None:
    namespace = f"c{os.getpid()}{int(time.time()) % 100000}"
    env = {"NATS_URL": nats_url, "KAKAWARI_NAMESPACE": namespace, "KAKAWARI_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    try:
        applied = runner.invoke(cli, ["streams", "apply"], env=env)
        assert applied.exit_code == 0, applied.output
        assert f"stream {namespace.upper()}_REGISTRY created" in applied.output
        assert f"consumer {namespace}_notify-member-approved applied" in applied.output

        async def dead_letter() -> None:
            nc = await nats.connect(nats_url)
            dlq = DeadLetters(nc.jetstream(), Naming(namespace))
            await dlq.send(consumer="notify-member-approved", subject=f"{namespace}.registry.member.approved.v1",
                           data=b"{}", headers={}, event_id="e-1", error="RuntimeError('boom')", deliveries=5)
            await nc.close()

        asyncio.run(dead_letter())
        listed = runner.invoke(cli, ["dlq", "list", "--json"], env=env)
        assert listed.exit_code == 0, listed.output
        entry = json.loads(listed.output.splitlines()[0])
        assert entry["consumer"] == "notify-member-approved" and "boom" in entry["error"] and entry["deliveries"] == 5
        assert listed.exit_code == 0 and runner.invoke(cli, ["dlq", "list"], env=env).exit_code == 0  # the table
        replayed = runner.invoke(cli, ["dlq", "replay", "1"], env=env)
        assert replayed.exit_code == 0 and "replayed 1" in replayed.output, replayed.output
        assert runner.invoke(cli, ["dlq", "list", "--json"], env=env).output.strip() == ""
        missing = runner.invoke(cli, ["dlq", "replay", "999"], env=env)
        assert missing.exit_code == 1
    finally:
        asyncio.run(_delete_streams(nats_url, namespace))
