"""Two notify processes (the replicas `deploy/k8s/notify.yaml` runs) on one PostgreSQL and one
NATS: 1,000 emails reach a real SMTP server exactly once each, because the mailer claims its
rows with a committed lease (`FOR UPDATE SKIP LOCKED` while claiming) instead of reading them and hoping."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import nats
import pytest
from sqlalchemy import func, select

from kakawari import catalog
from kit.contracts.registry import LoginLinkRequested
from kit.db.engine import open_database
from kit.dev.nats_server import free_port
from kit.dev.postgres import throwaway_database
from kit.messaging.envelope import Envelope
from kit.messaging.subjects import Naming
from kit.messaging.topology import Topology
from services.notify.delivery.dev_smtp import SmtpSink
from services.notify.models import Delivery
from tests.support.platform import upgrade_async
from tests.support.servers import wait_for

KAKAWARI = str(Path(sys.executable).parent / "kakawari")
EMAILS = 1000


async def _ready(port: int, process: subprocess.Popen[bytes]) -> bool:
    assert process.poll() is None, process.stderr.read().decode(errors="replace")[-3000:] if process.stderr else ""
    try:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{port}/readyz", timeout=1)).status_code == 200
    except httpx.HTTPError:
        return False


async def _mailer_done(port: int) -> float:
    async with httpx.AsyncClient() as client:
        body = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    for line in body.splitlines():
        if line.startswith("kakawari_worker_done_total") and 'worker="mailer"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.mark.postgres
async def test_two_notify_replicas_send_a_thousand_emails_exactly_once(
    pg_admin_url: str, nats_url: str, tmp_path: Path
) -> None:
    namespace = f"r{uuid.uuid4().hex[:8]}"
    naming = Naming(namespace)
    notify = catalog.load("notify")
    topology = Topology(naming)
    # notify's own stream and every stream it consumes from (registry, forum, matching …).
    producers = sorted({sub.contract.producer() for sub in notify.handlers.subscriptions} | {"notify"})
    sink = SmtpSink().start()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        async with throwaway_database(pg_admin_url, "replicas") as url:
            assert notify.migrations is not None
            await upgrade_async(notify.migrations, url)
            await topology.apply(js, producers, notify.handlers.subscriptions)
            ports = [free_port(), free_port()]
            env = {k: v for k, v in os.environ.items() if not k.startswith(("NATS_URL", "DATABASE_URL", "SMTP_URL"))}
            env |= {"KAKAWARI_ENV": "production", "KAKAWARI_NAMESPACE": namespace, "NATS_URL": nats_url,
                    "DATABASE_URL": url, "SMTP_URL": sink.url,
                    "KAKAWARI_SECRET_KEY": "replica-test-key-long-enough-for-production-0123",
                    "KAKAWARI_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
            for port in ports:
                processes.append(subprocess.Popen([KAKAWARI, "serve", "notify"], env=env | {"PORT": str(port)},
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for port, process in zip(ports, processes, strict=True):
                await wait_for(lambda p=port, pr=process: _ready(p, pr), timeout_s=60, interval_s=0.2)

            expires = datetime.now(UTC) + timedelta(hours=1)
            subject = naming.subject(LoginLinkRequested.versioned_type())
            for i in range(EMAILS):
                event = LoginLinkRequested(email=f"person{i:04d}@example.jp", login_url=f"https://x.example/{i}",
                                           expires_at=expires)
                envelope = Envelope.wrap(event, producer="registry")
                await js.publish(subject, envelope.model_dump_json().encode(),
                                 headers={"Nats-Msg-Id": str(envelope.id)})

            db = open_database(url)
            try:
                async def all_sent() -> bool:
                    async with db.readers() as session:
                        total, unsent = (await session.execute(select(
                            func.count(), func.count().filter(Delivery.state != "sent"))
                            .where(Delivery.channel == "email"))).one()
                    return bool(total == EMAILS and unsent == 0)

                await wait_for(all_sent, timeout_s=120, interval_s=0.5)
            finally:
                await db.dispose()
            await asyncio.sleep(2)  # a replica that sent twice would have done so by now

            received = list(sink.messages)
            assert len(received) == EMAILS, f"{len(received)} emails for {EMAILS} deliveries"
            assert len({m.message_id for m in received}) == EMAILS
            assert sorted(m.to[0] for m in received) == [f"person{i:04d}@example.jp" for i in range(EMAILS)]
            sent_by = [await _mailer_done(port) for port in ports]
            assert sum(sent_by) == EMAILS, sent_by
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(15)
            if process.stderr:
                process.stderr.close()
        await topology.delete(js, producers)
        await nc.close()
        sink.stop()
