"""The webhook sender against a real HTTP receiver (uvicorn on a free port), on both databases:
signatures a Standard Webhooks receiver verifies (during a rotation with either secret), the
same webhook-id on every try, retries with growing delays, then the endpoint disabled and its
admin told; a try whose process died taken over once its lease ran out; internal addresses
refused before anything is sent outside development."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import MetaData, select, update
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kit.contracts.registry import MemberApproved, MemberUpdated
from kit.db.engine import Database
from kit.db.types import utcnow
from kit.dev.nats_server import free_port
from kit.messaging.envelope import Envelope, new_event_id
from kit.messaging.outbox import OutboxWriter
from kit.messaging.subjects import Naming
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import MEMBER_ADMIN, Principal
from kit.worker import Backoff, Worker
from services.notify.models import MESSAGING, Base, Delivery, DeliveryAttempt, Notification, WebhookEndpoint
from services.notify.preferences.tokens import UnsubscribeLinks
from services.notify.webhooks import sender as sender_module
from services.notify.webhooks import service
from services.notify.webhooks.domain.event_types import TEST_EVENT
from services.notify.webhooks.sender import PendingHook, webhook_sender
from services.notify.webhooks.signing import new_secret
from tests.support.servers import uvicorn_serving, wait_for
from tests.support.sessions import person

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
QUICK = Backoff(base_s=0.2, factor=2.0, jitter=0.0, max_attempts=4)
ADMIN_EMAIL = "admin@hida.example.jp"


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    at: float


@dataclass
class Receiver:
    """A member's system: records every request, answers with `status`."""

    url: str
    status: int = 204
    refuse: str | None = None  # a body holding this gets a 400
    requests: list[Received] = field(default_factory=list)


@asynccontextmanager
async def receiver(status: int = 204) -> AsyncIterator[Receiver]:
    port = free_port()
    found = Receiver(f"http://127.0.0.1:{port}/hook", status)

    async def hook(request: Request) -> Response:
        body = (await request.body()).decode()
        found.requests.append(Received(dict(request.headers), body, asyncio.get_running_loop().time()))
        return Response(status_code=400 if found.refuse and found.refuse in body else found.status)

    async with uvicorn_serving(Starlette(routes=[Route("/hook", hook, methods=["POST"])]), port):
        yield found


@dataclass
class Setup:
    db: Database
    uow: UnitOfWorkFactory
    links: UnsubscribeLinks
    member_id: UUID

    def admin(self) -> Principal:
        return person(ADMIN_EMAIL, MEMBER_ADMIN, self.member_id)

    def sender(self, *, allow_private: bool = True, backoff: Backoff = QUICK, lease_s: float = 30.0
               ) -> Worker[PendingHook]:
        return webhook_sender(self.db, self.uow, lease_s=lease_s, allow_private=allow_private, links=self.links,
                              backoff=backoff, sweep_interval_s=0.05)


@pytest.fixture
async def setup(fresh_database: Callable[[MetaData], AbstractAsyncContextManager[Database]]
                ) -> AsyncIterator[Setup]:
    async with fresh_database(Base.metadata) as db:
        db.start()
        outbox = OutboxWriter(producer="notify", tables=MESSAGING, naming=Naming())
        uow = UnitOfWorkFactory(db, outbox, on_commit=lambda rows: None)
        yield Setup(db, uow, UnsubscribeLinks(secret="s" * 40, base_url="http://testserver"), uuid4())


@asynccontextmanager
async def running(worker: Worker[PendingHook]) -> AsyncIterator[Worker[PendingHook]]:
    worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


async def add_endpoint(s: Setup, url: str, *, types: tuple[str, ...] = ("registry.member.approved.v1",),
                       member_id: UUID | None = None) -> WebhookEndpoint:
    now = utcnow()
    endpoint = WebhookEndpoint(id=new_event_id(), member_id=member_id or s.member_id, url=url, description="",
                               event_types=json.dumps(list(types)), secret=new_secret(), enabled=True,
                               admin_email=ADMIN_EMAIL, admin_locale="ja", created_at=now, updated_at=now)
    async with s.uow() as tx:
        tx.session.add(endpoint)
        await tx.commit()
    return endpoint


def approved(member_id: UUID, contract: type[MemberApproved | MemberUpdated] = MemberApproved,
             name: str = "飛騨市") -> Envelope:
    event = contract(member_id=member_id, name=name, kind="municipality", status="active", at=utcnow())
    return Envelope.wrap(event, producer="registry").model_copy(update={"traceparent": TRACEPARENT})


async def fan(s: Setup, envelope: Envelope, member_id: UUID | None = None) -> int:
    async with s.uow() as tx:
        queued = await service.fan_out(tx.session, envelope=envelope, member_id=member_id or s.member_id)
        await tx.commit()
    return queued


async def deliveries(s: Setup, endpoint_id: UUID) -> list[Delivery]:
    async with s.db.readers() as session:
        found = await session.scalars(select(Delivery).where(Delivery.endpoint_id == endpoint_id)
                                      .order_by(Delivery.created_at))
        return list(found.all())


async def attempts(s: Setup, delivery_id: UUID) -> list[DeliveryAttempt]:
    async with s.db.readers() as session:
        found = await session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery_id)
                                      .order_by(DeliveryAttempt.attempt))
        return list(found.all())


async def endpoint_now(s: Setup, endpoint_id: UUID) -> WebhookEndpoint:
    async with s.db.readers() as session:
        found = await session.get(WebhookEndpoint, endpoint_id)
    assert found is not None
    return found


async def in_state(s: Setup, endpoint_id: UUID, state: str, count: int = 1) -> list[Delivery] | None:
    found = [d for d in await deliveries(s, endpoint_id) if d.state == state]
    return found if len(found) >= count else None


async def test_a_delivery_is_signed_as_standard_webhooks_says(setup: Setup) -> None:
    async with receiver() as member_system:
        endpoint = await add_endpoint(setup, member_system.url)
        await add_endpoint(setup, member_system.url, member_id=uuid4())  # another member's: not for this event
        envelope = approved(setup.member_id)
        assert await fan(setup, envelope) == 1
        assert await fan(setup, envelope) == 0  # a redelivered event queues nothing twice
        assert await fan(setup, approved(setup.member_id, MemberUpdated)) == 0  # not subscribed

        async with running(setup.sender()):
            [delivery] = await wait_for(lambda: in_state(setup, endpoint.id, "sent"), timeout_s=10)

    [request] = member_system.requests
    body = Webhook(endpoint.secret).verify(request.body, request.headers)  # raises unless the signature holds
    assert body["type"] == "registry.member.approved.v1" and body["data"]["member_id"] == str(setup.member_id)
    assert body["data"]["name"] == "飛騨市" and body["timestamp"].endswith("Z")
    assert request.headers["webhook-id"] == str(delivery.id)
    assert request.headers["content-type"] == "application/json"
    assert delivery.attempts == 1 and delivery.sent_at is not None and delivery.lease_until is None
    assert delivery.key == f"{envelope.id}:{endpoint.id}:webhook:registry.member.approved.v1"
    assert delivery.traceparent == TRACEPARENT and delivery.template == "registry.member.approved.v1"
    assert [a.outcome for a in await attempts(setup, delivery.id)] == ["sent"]
    [(event_type, sent)] = await outbox_events(setup)  # answered 2xx: told once
    assert event_type == "notify.delivery.sent.v1"
    assert (sent["delivery_id"], sent["channel"], sent["template"], sent["attempts"]) == (
        str(delivery.id), "webhook", "registry.member.approved.v1", 1)
    assert sent["source_event_id"] == str(envelope.id)


async def test_during_a_rotation_old_and_new_secrets_both_verify(setup: Setup) -> None:
    async with receiver() as member_system:
        endpoint = await add_endpoint(setup, member_system.url)
        old = endpoint.secret
        rotated = await service.rotate_secret(uow=setup.uow, member_id=setup.member_id, endpoint_id=endpoint.id,
                                              actor=setup.admin())
        test = await service.send_test(uow=setup.uow, member_id=setup.member_id, endpoint_id=endpoint.id,
                                       actor=setup.admin())
        async with running(setup.sender()):
            await wait_for(lambda: in_state(setup, endpoint.id, "sent"), timeout_s=10)

    [request] = member_system.requests
    assert rotated.secret != old and len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, rotated.secret):  # a receiver with either secret accepts it
        assert Webhook(secret).verify(request.body, request.headers)["type"] == TEST_EVENT
    assert request.headers["webhook-id"] == str(test.id)
    stored = await endpoint_now(setup, endpoint.id)
    assert stored.previous_secret == old and stored.previous_secret_until is not None
    assert stored.previous_secret_until - utcnow() > timedelta(hours=23)


async def test_a_failing_receiver_is_retried_then_the_endpoint_disabled_and_its_admin_told(setup: Setup) -> None:
    async with receiver(status=500) as member_system:
        endpoint = await add_endpoint(setup, member_system.url)
        assert await fan(setup, approved(setup.member_id)) == 1
        # A second event, due later: when the endpoint is disabled it is not sent at all.
        later = approved(setup.member_id)
        assert await fan(setup, later) == 1
        async with setup.uow() as tx:
            await tx.session.execute(update(Delivery).where(Delivery.source_event_id == later.id)
                                     .values(next_attempt_at=utcnow() + timedelta(hours=1)))
            await tx.commit()

        async with running(setup.sender()):
            [failed] = await wait_for(lambda: in_state(setup, endpoint.id, "failed"), timeout_s=20)
            stored = await wait_for(lambda: _disabled(setup, endpoint.id), timeout_s=5)

    # Four tries, each signed afresh, all with the one webhook-id.
    assert len(member_system.requests) == 4
    assert {r.headers["webhook-id"] for r in member_system.requests} == {str(failed.id)}
    for r in member_system.requests:
        Webhook(endpoint.secret).verify(r.body, r.headers)
    times = [r.at for r in member_system.requests]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] >= 0.18 and gaps[0] < gaps[1] < gaps[2], gaps  # exponential backoff

    log = await attempts(setup, failed.id)
    assert [a.outcome for a in log] == ["retry", "retry", "retry", "failed"]
    assert all("HTTP 500" in (a.error or "") for a in log)
    assert failed.attempts == 4 and "HTTP 500" in (failed.reason or "")

    assert not stored.enabled and "4 tries" in (stored.disabled_reason or "")
    [waiting] = [d for d in await deliveries(setup, endpoint.id) if d.source_event_id == later.id]
    assert waiting.state == "suppressed" and waiting.attempts == 0

    async with setup.db.readers() as session:
        told = (await session.scalars(select(Delivery).where(Delivery.channel == "email"))).all()
        inbox = (await session.scalars(select(Notification))).all()
    events = await outbox_events(setup)
    assert [t for t, _ in events] == ["notify.delivery.deferred.v1"] * 3 + ["notify.delivery.failed.v1"]
    assert [(e["reason"], e["until"] is not None) for _, e in events[:3]] == [("retry", True)] * 3
    failed_event = events[-1][1]
    assert failed_event["delivery_id"] == str(failed.id) and failed_event["channel"] == "webhook"
    assert failed_event["state"] == "failed" and failed_event["attempts"] == 4
    assert [(d.recipient, d.template, d.state) for d in told] == [(ADMIN_EMAIL, "webhook_disabled", "queued")]
    assert member_system.url in told[0].body_text
    assert [n.recipient for n in inbox] == [ADMIN_EMAIL]


async def outbox_events(s: Setup) -> list[tuple[str, dict[str, Any]]]:
    """What notify wrote to its outbox, oldest first: (type, payload)."""
    outbox = MESSAGING.outbox
    async with s.db.readers() as session:
        rows = (await session.execute(select(outbox.c.event_type, outbox.c.envelope)
                                      .order_by(outbox.c.created_at))).all()
    return [(event_type, json.loads(raw)["payload"]) for event_type, raw in rows]


async def _disabled(s: Setup, endpoint_id: UUID) -> WebhookEndpoint | None:
    endpoint = await endpoint_now(s, endpoint_id)
    return None if endpoint.enabled else endpoint


async def test_an_endpoint_that_still_takes_other_deliveries_stays_on(setup: Setup) -> None:
    """One payload the receiver keeps refusing fails alone: others reached the endpoint
    meanwhile, so it stays on."""
    async with receiver() as member_system:
        member_system.refuse = "refuse-me"
        endpoint = await add_endpoint(setup, member_system.url)
        assert await fan(setup, approved(setup.member_id, name="refuse-me")) == 1
        async with running(setup.sender(backoff=Backoff(base_s=0.4, jitter=0.0, max_attempts=3))):
            await wait_for(lambda: member_system.requests, timeout_s=10)
            assert await fan(setup, approved(setup.member_id)) == 1
            await wait_for(lambda: in_state(setup, endpoint.id, "failed"), timeout_s=10)
    assert [d.state for d in await deliveries(setup, endpoint.id)] == ["failed", "sent"]
    assert (await endpoint_now(setup, endpoint.id)).enabled


async def test_a_try_whose_process_died_is_taken_over_with_the_same_webhook_id(setup: Setup) -> None:
    async with receiver() as member_system:
        endpoint = await add_endpoint(setup, member_system.url)
        dead, alive = approved(setup.member_id), approved(setup.member_id)
        assert await fan(setup, dead) == 1 and await fan(setup, alive) == 1
        # As claims leave them: one by a process that died (its lease ran out), one still held.
        async with setup.uow() as tx:
            for envelope, lease in ((dead, -timedelta(seconds=1)), (alive, timedelta(minutes=5))):
                await tx.session.execute(update(Delivery).where(Delivery.source_event_id == envelope.id)
                                         .values(state="sending", lease_until=utcnow() + lease))
            await tx.commit()
        async with running(setup.sender()):
            [taken] = await wait_for(lambda: in_state(setup, endpoint.id, "sent"), timeout_s=10)
            await asyncio.sleep(0.3)  # a few sweeps: the held one stays with its holder
    assert taken.source_event_id == dead.id
    assert [r.headers["webhook-id"] for r in member_system.requests] == [str(taken.id)]
    [held] = [d for d in await deliveries(setup, endpoint.id) if d.source_event_id == alive.id]
    assert held.state == "sending"


async def test_internal_addresses_are_refused_before_sending_outside_development(setup: Setup) -> None:
    """Registered when allowed (or a name that later resolves inside: DNS rebinding), the
    sender still checks the address before each try, and never connects."""
    async with receiver() as member_system:
        loopback_https = member_system.url.replace("http://", "https://")
        endpoint = await add_endpoint(setup, loopback_https)
        plain_http = await add_endpoint(setup, member_system.url)
        assert await fan(setup, approved(setup.member_id)) == 2
        async with running(setup.sender(allow_private=False, backoff=Backoff(base_s=0.1, max_attempts=2))):
            [refused] = await wait_for(lambda: in_state(setup, endpoint.id, "failed"), timeout_s=10)
            [http] = await wait_for(lambda: in_state(setup, plain_http.id, "failed"), timeout_s=10)
    assert member_system.requests == []
    assert "Private, loopback" in (refused.reason or "")
    assert "https" in (http.reason or "")


async def test_outside_development_the_sender_connects_to_the_address_it_checked(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved and checked once per try, and the request goes to a checked address
    (the next one if it does not answer), the name kept in Host: a resolver that answers
    differently a moment later (DNS rebinding) is never asked. The guard itself is widened here
    so the test can use loopback and plain HTTP."""
    looked_up: list[str] = []

    async def resolve(target: Any) -> list[str]:
        looked_up.append(target.host)
        return ["127.0.0.2", "127.0.0.1"]  # nothing listens on the first

    monkeypatch.setattr(sender_module, "resolve", resolve)
    monkeypatch.setattr(sender_module, "url_problem", lambda *a, **k: None)
    monkeypatch.setattr(sender_module, "address_problem", lambda *a, **k: None)
    async with receiver() as member_system:
        port = member_system.url.split(":")[2].split("/")[0]
        endpoint = await add_endpoint(setup, f"http://hooks.member.example:{port}/hook")
        assert await fan(setup, approved(setup.member_id)) == 1
        async with running(setup.sender(allow_private=False)):
            await wait_for(lambda: in_state(setup, endpoint.id, "sent"), timeout_s=10)
    [request] = member_system.requests
    assert request.headers["host"] == f"hooks.member.example:{port}"
    assert looked_up == ["hooks.member.example"]
    Webhook(endpoint.secret).verify(request.body, request.headers)
