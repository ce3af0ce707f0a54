"""The mailer against real SMTP servers (aiosmtpd): growing delays between tries, a log line
and a counter per failure, and after the limit the delivery shows as failed in its log; a 5xx
at RCPT is a hard bounce that suppresses the address; a lease left by a dead sender is taken
over with the same Message-ID; every email is multipart with RFC 8058 headers. Each outcome is
told in its transaction: sent once, deferred (retry) until the next try, failed, suppressed.
Both databases."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote
from uuid import UUID

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, update

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.envelope import Envelope
from kit.telemetry import metrics
from kit.worker import Backoff
from services.notify.delivery.dev_smtp import SmtpSink
from services.notify.delivery.domain.keys import address_hash
from services.notify.delivery.mailer import mailer
from services.notify.models import MESSAGING, Delivery, DeliveryAttempt, Suppression
from tests.integration.notify.conftest import LINKS, TRACEPARENT, log_of, queue_email, uow_for
from tests.support.servers import wait_for

QUICK = Backoff(base_s=0.2, factor=2.0, jitter=0.0, max_attempts=4)


@contextmanager
def refusing(reply: str) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) that answers every message with `reply`."""
    server = SmtpSink(refuse_with=reply).start()
    try:
        yield server
    finally:
        server.stop()


def mailer_failures() -> float:
    return REGISTRY.get_sample_value("kakawari_worker_failures_total", {"service": "notify", "worker": "mailer"}) or 0


def make_mailer(db: Database, url: str, backoff: Backoff = QUICK, **kwargs: float):  # type: ignore[no-untyped-def]
    return mailer(db, uow_for(db), url, links=LINKS, backoff=backoff, sweep_interval_s=0.05, **kwargs)


async def _in_state(db: Database, delivery_id: UUID, *states: str) -> tuple[Delivery, list[DeliveryAttempt]] | None:
    delivery, attempts = await log_of(db, delivery_id)
    return (delivery, attempts) if delivery.state in states else None


async def test_a_temporary_refusal_is_retried_with_growing_delays_then_marked_failed(
    notify_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    failures_before = mailer_failures()
    with refusing("451 4.3.0 try again later") as server, caplog.at_level(logging.WARNING, "kit.worker"):
        delivery_id = await queue_email(notify_db)
        worker = make_mailer(notify_db, server.url)
        worker.start()
        try:
            delivery, attempts = await wait_for(
                lambda: _in_state(notify_db, delivery_id, "failed"), timeout_s=20, interval_s=0.05)
        finally:
            await worker.stop()
        assert server.refused == 4

    assert delivery.attempts == 4 and "451" in (delivery.reason or "") and delivery.lease_until is None
    assert [a.outcome for a in attempts] == ["retry", "retry", "retry", "failed"]
    assert all("451" in (a.error or "") for a in attempts)
    gaps = [later.at - earlier.at for earlier, later in zip(attempts, attempts[1:], strict=False)]
    assert gaps[0] >= timedelta(seconds=0.2) and gaps[0] < gaps[1] < gaps[2], gaps  # exponential backoff
    for attempt in attempts[:-1]:  # each retry was scheduled by the backoff, and honoured
        assert attempt.retry_at is not None and attempt.retry_at > attempt.at

    lines = [r for r in caplog.records if r.name == "kit.worker" and str(delivery_id) == getattr(r, "item", None)]
    assert [r.getMessage() for r in lines] == ["worker.item.failed"] * 3 + ["worker.item.gave_up"]
    assert all(getattr(r, "trace_id", None) == TRACEPARENT.split("-")[1] for r in lines)
    assert [getattr(r, "attempt", None) for r in lines] == [1, 2, 3, 4]

    assert mailer_failures() - failures_before == 4
    body, _ = metrics.render()
    assert b'kakawari_worker_failures_total{service="notify",worker="mailer"}' in body
    assert b'kakawari_worker_given_up_total{service="notify",worker="mailer"}' in body
    told = await _told(notify_db)
    assert [t for t, _ in told] == ["notify.delivery.deferred.v1"] * 3 + ["notify.delivery.failed.v1"]
    for (_, deferred), attempt in zip(told[:3], attempts[:3], strict=True):  # each retry, until its next try
        assert (deferred["delivery_id"], deferred["reason"]) == (str(delivery_id), "retry")
        assert datetime.fromisoformat(deferred["until"]) == attempt.retry_at
    assert told[-1][1]["attempts"] == 4 and told[-1][1]["state"] == "failed"


async def _told(db: Database) -> list[tuple[str, dict[str, Any]]]:
    """What notify wrote to its outbox, oldest first: (type, payload)."""
    outbox = MESSAGING.outbox
    async with db.readers() as session:
        rows = (await session.execute(select(outbox.c.event_type, outbox.c.envelope)
                                      .order_by(outbox.c.created_at))).all()
    return [(event_type, Envelope.model_validate_json(raw).payload) for event_type, raw in rows]


async def test_a_permanent_refusal_is_not_retried(notify_db: Database) -> None:
    with refusing("554 5.7.1 message refused") as server:
        delivery_id = await queue_email(notify_db)
        worker = make_mailer(notify_db, server.url)
        worker.start()
        try:
            delivery, attempts = await wait_for(lambda: _in_state(notify_db, delivery_id, "failed"), timeout_s=10)
        finally:
            await worker.stop()
        assert server.refused == 1
    assert delivery.attempts == 1 and [a.outcome for a in attempts] == ["failed"]


async def test_a_hard_bounce_at_rcpt_suppresses_the_address_until_lifted(notify_db: Database) -> None:
    sink = SmtpSink().start()
    sink.bounce.add("gone@example.jp")
    try:
        bounced_id = await queue_email(notify_db, to="gone@example.jp")
        fine_id = await queue_email(notify_db, to="here@example.jp")
        worker = make_mailer(notify_db, sink.url)
        worker.start()
        try:
            delivery, attempts = await wait_for(lambda: _in_state(notify_db, bounced_id, "bounced"), timeout_s=10)
            await wait_for(lambda: _in_state(notify_db, fine_id, "sent"), timeout_s=10)
        finally:
            await worker.stop()
    finally:
        sink.stop()
    assert delivery.attempts == 1 and [a.outcome for a in attempts] == ["bounced"] and "550" in (delivery.reason or "")
    assert [m.to for m in sink.messages] == [["here@example.jp"]]
    async with notify_db.readers() as session:
        suppression = await session.get(Suppression, address_hash("gone@example.jp"))
    assert suppression is not None and suppression.lifted_at is None and suppression.delivery_id == bounced_id
    told = {(t, p.get("delivery_id"), p.get("state")) for t, p in await _told(notify_db)}
    assert told == {("notify.delivery.failed.v1", str(bounced_id), "bounced"),
                    ("notify.address.suppressed.v1", str(bounced_id), None),
                    ("notify.delivery.sent.v1", str(fine_id), None)}


async def test_a_server_that_comes_back_gets_the_mail_once(notify_db: Database) -> None:
    """Down at first (nothing listens), then up: the delivery is sent once, with its log."""
    sink = SmtpSink()
    delivery_id = await queue_email(notify_db, to="later@example.jp")
    worker = make_mailer(notify_db, sink.url, Backoff(base_s=0.3, jitter=0.0, max_attempts=10))
    worker.start()
    try:
        await wait_for(lambda: _attempted(notify_db, delivery_id), timeout_s=10)
        sink.start()
        try:
            delivery, attempts = await wait_for(lambda: _in_state(notify_db, delivery_id, "sent"), timeout_s=20)
            assert [m.to for m in sink.messages] == [["later@example.jp"]]
            assert sink.messages[0].message_id == f"<{delivery_id}@kakawari-lab.example.jp>"
        finally:
            sink.stop()
    finally:
        await worker.stop()
    assert attempts[0].outcome == "retry" and attempts[-1].outcome == "sent"
    assert delivery.attempts == len(attempts) and delivery.sent_at is not None
    told = await _told(notify_db)
    assert [t for t, _ in told] == ["notify.delivery.deferred.v1"] * (len(attempts) - 1) + ["notify.delivery.sent.v1"]
    sent = told[-1][1]  # once, with what the console needs to link it
    assert (sent["delivery_id"], sent["channel"], sent["template"]) == (str(delivery_id), "email", "member_approved")
    assert sent["attempts"] == len(attempts) and sent["source_event_id"] == str(delivery.source_event_id)


async def _attempted(db: Database, delivery_id: UUID) -> bool:
    _, attempts = await log_of(db, delivery_id)
    return bool(attempts)


async def test_every_email_is_multipart_and_only_non_critical_ones_offer_one_click_unsubscribe(
    notify_db: Database,
) -> None:
    sink = SmtpSink().start()
    try:
        news = await queue_email(notify_db, to="news@example.jp")
        login = await queue_email(notify_db, to="login@example.jp", critical=True)
        worker = make_mailer(notify_db, sink.url)
        worker.start()
        try:
            for delivery_id in (news, login):
                await wait_for(lambda d=delivery_id: _in_state(notify_db, d, "sent"), timeout_s=10)
        finally:
            await worker.stop()
    finally:
        sink.stop()
    by_to = {m.to[0]: m for m in sink.messages}
    for mail in by_to.values():
        assert mail.body.strip() == "本文" and "<p>本文</p>" in mail.html
    unsubscribe = by_to["news@example.jp"].header("List-Unsubscribe") or ""
    assert unsubscribe.startswith("<https://kakawari.example.jp/notify/unsubscribe?token=")
    assert by_to["news@example.jp"].header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    token = unquote(unsubscribe.removeprefix("<").removesuffix(">").split("token=", 1)[1])
    assert LINKS.read(token) == ("news@example.jp", "membership")
    assert by_to["login@example.jp"].header("List-Unsubscribe") is None


async def test_a_lease_left_by_a_dead_sender_is_taken_over_with_the_same_message_id(notify_db: Database) -> None:
    """A process claimed the row (state `sending`, lease until a time now past) and died before
    writing the outcome: another sends it, with the Message-ID the first would have used."""
    delivery_id = await queue_email(notify_db, to="inflight@example.jp")
    fresh_id = await queue_email(notify_db, to="fresh-lease@example.jp")
    async with notify_db.writing() as session:
        await session.execute(update(Delivery).where(Delivery.id == delivery_id)
                              .values(state="sending", lease_until=utcnow() - timedelta(seconds=1)))
        await session.execute(update(Delivery).where(Delivery.id == fresh_id)
                              .values(state="sending", lease_until=utcnow() + timedelta(hours=1)))
    sink = SmtpSink().start()
    try:
        worker = make_mailer(notify_db, sink.url)
        worker.start()
        try:
            delivery, _ = await wait_for(lambda: _in_state(notify_db, delivery_id, "sent"), timeout_s=10)
        finally:
            await worker.stop()
    finally:
        sink.stop()
    assert [m.message_id for m in sink.messages] == [f"<{delivery_id}@kakawari-lab.example.jp>"]
    still, _ = await log_of(notify_db, fresh_id)
    assert still.state == "sending"  # a lease that still runs is left to its holder
