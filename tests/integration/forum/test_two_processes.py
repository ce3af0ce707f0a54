"""Two forum processes (`kakawari serve forum`, as replicas run) on one PostgreSQL and one NATS:
hundreds of concurrent signups split across both for a few seats give exact counts and never
overbook, because every seat is taken by one conditional UPDATE on the event's counter row
(kit/capacity.py), whose row lock serialises the decisions of both processes. The same address
sent to both at once is still one signup (the unique constraint), and cancelling every seat
through both at once promotes exactly the first in line (`FOR UPDATE SKIP LOCKED`)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from sqlalchemy import func, select

from kakawari import catalog
from kit.db.engine import open_database
from kit.dev.nats_server import free_port
from kit.dev.postgres import throwaway_database
from kit.messaging.subjects import Naming
from kit.messaging.topology import Topology
from kit.web.auth import OPERATOR, Principal, issue_token
from services.forum.models import Signup
from tests.support.platform import upgrade_async
from tests.support.servers import wait_for

KAKAWARI = str(Path(sys.executable).parent / "kakawari")
API = "/forum/api/v1"
SECRET = "two-forum-processes-test-key-0123456789abcdef"
SEATS, PEOPLE, SAME_ADDRESS = 5, 300, 20


async def _ready(port: int, process: subprocess.Popen[bytes]) -> bool:
    assert process.poll() is None, process.stderr.read().decode(errors="replace")[-3000:] if process.stderr else ""
    try:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{port}/readyz", timeout=1)).status_code == 200
    except httpx.HTTPError:
        return False


def _person(i: int, prefix: str = "p") -> dict[str, Any]:
    return {"name": f"参加 {i}", "email": f"{prefix}{i:03d}@example.jp", "affiliation": f"自治体 {i}",
            "prefecture_code": "21", "consent": True}


@pytest.mark.postgres
async def test_two_forum_processes_never_overbook_and_count_exactly(
    pg_admin_url: str, nats_url: str, tmp_path: Path
) -> None:
    namespace = f"f{uuid.uuid4().hex[:8]}"
    forum = catalog.load("forum")
    topology = Topology(Naming(namespace))
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        async with throwaway_database(pg_admin_url, "forum2") as url:
            assert forum.migrations is not None
            await upgrade_async(forum.migrations, url)
            await topology.apply(js, ["registry", "forum"], forum.handlers.subscriptions)
            ports = [free_port(), free_port()]
            env = {k: v for k, v in os.environ.items() if not k.startswith(("NATS_URL", "DATABASE_URL", "SMTP_URL"))}
            env |= {"KAKAWARI_ENV": "production", "KAKAWARI_NAMESPACE": namespace, "NATS_URL": nats_url,
                    "DATABASE_URL": url, "KAKAWARI_SECRET_KEY": SECRET, "KAKAWARI_DATA_DIR": str(tmp_path),
                    "LOG_LEVEL": "WARNING"}
            for port in ports:
                processes.append(subprocess.Popen([KAKAWARI, "serve", "forum"], env=env | {"PORT": str(port)},
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            for port, process in zip(ports, processes, strict=True):
                await wait_for(lambda p=port, pr=process: _ready(p, pr), timeout_s=60, interval_s=0.2)

            ops = Principal(user_id=uuid.uuid4(), email="ops@example.jp", role=OPERATOR)
            headers = {"authorization": f"Bearer {issue_token(ops, SECRET)}"}
            limits = httpx.Limits(max_connections=PEOPLE, max_keepalive_connections=PEOPLE)
            clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits)
                       for port in ports]
            try:
                start = datetime.now(UTC) + timedelta(days=20)
                created = await clients[0].post(f"{API}/events", headers=headers, json={
                    "kind": "cafe", "title": "かかわりカフェ 二台構成", "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": SEATS, "hold_hours": None})
                assert created.status_code == 201, created.text
                event = created.json()["id"]

                # Hundreds of new people, alternating between the processes, all at once.
                answers = await asyncio.gather(*(
                    clients[i % 2].post(f"{API}/events/{event}/signups", json=_person(i)) for i in range(PEOPLE)))
                assert {a.status_code for a in answers} == {201}, [a.text for a in answers if a.status_code != 201][:3]
                statuses = [a.json()["status"] for a in answers]
                assert statuses.count("confirmed") == SEATS
                assert statuses.count("waitlisted") == PEOPLE - SEATS
                positions = sorted(a.json()["waitlist_position"] for a in answers if a.json()["status"] == "waitlisted")
                assert positions == list(range(1, PEOPLE - SEATS + 1))
                seen = [(await c.get(f"{API}/events/{event}")).json() for c in clients]
                for body in seen:  # both processes read the same counters
                    assert (body["capacity"], body["confirmed"], body["held"], body["waitlisted"]) == (
                        SEATS, SEATS, 0, PEOPLE - SEATS)

                # The same address sent to both processes at the same moment is one signup.
                twice = await asyncio.gather(*(
                    clients[k].post(f"{API}/events/{event}/signups", json=_person(i, "dup"))
                    for i in range(SAME_ADDRESS) for k in (0, 1)))
                # 201 for the decision; 200 (the existing signup) or 409 (decided a moment ago, try again)
                assert {a.status_code for a in twice} <= {200, 201, 409}
                for i in range(SAME_ADDRESS):
                    pair = twice[2 * i: 2 * i + 2]
                    assert sorted(a.status_code for a in pair) in ([200, 201], [201, 409]), [a.text for a in pair]

                # Every seated person cancels, through both processes at once: exactly the first
                # SEATS in line are promoted, and nobody is seated beyond capacity.
                seated = [a.json() for a in answers if a.json()["status"] == "confirmed"]
                cancels = await asyncio.gather(*(
                    clients[n % 2].post(f"{API}/signups/manage/{s['manage_url'].rsplit('/', 1)[1]}/cancel")
                    for n, s in enumerate(seated)))
                assert {c.status_code for c in cancels} == {200}
                first_in_line = sorted((a.json() for a in answers if a.json()["status"] == "waitlisted"),
                                       key=lambda s: s["waitlist_position"])[:SEATS]
                for s in first_in_line:
                    token = s["manage_url"].rsplit("/", 1)[1]
                    now = (await clients[1].get(f"{API}/signups/manage/{token}")).json()
                    assert now["status"] == "confirmed", now
                after = (await clients[1].get(f"{API}/events/{event}")).json()
                waiting = PEOPLE + SAME_ADDRESS - 2 * SEATS
                assert (after["confirmed"], after["held"], after["waitlisted"]) == (SEATS, 0, waiting)
            finally:
                for client in clients:
                    await client.aclose()

            db = open_database(url)
            try:
                async with db.readers() as session:
                    grouped = await session.execute(select(Signup.status, func.count()).group_by(Signup.status))
                    rows = {status: n for status, n in grouped}
                    tickets = list((await session.scalars(
                        select(Signup.waitlist_ticket).where(Signup.status == "waitlisted")
                        .order_by(Signup.waitlist_ticket))).all())
                    emails = await session.scalar(select(func.count(func.distinct(Signup.email))))
            finally:
                await db.dispose()
            assert rows == {"confirmed": SEATS, "cancelled": SEATS, "waitlisted": waiting}
            assert emails == PEOPLE + SAME_ADDRESS
            # Tickets follow the order of decisions: the promoted took the first ones, the rest
            # are the next ones, each once.
            assert tickets == list(range(SEATS + 1, SEATS + 1 + waiting))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(15)
            if process.stderr:
                process.stderr.close()
        await topology.delete(js, ["registry", "forum"])
        await nc.close()
