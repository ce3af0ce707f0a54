"""The mailer against real SMTP servers that refuse: growing delays between tries, a log line
and a counter per failure, and after the limit the delivery shows as failed in its log.
A permanent refusal (5xx) is not retried. Both databases."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from datetime import timedelta
from uuid import UUID

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, select

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.telemetry import metrics
from kit.worker import Backoff
from services.notify.dev_smtp import SmtpSink
from services.notify.mailer import mailer
from services.notify.models import FAILED, PENDING, SENT, Base, DeliveryAttempt, EmailDelivery, Notification
from tests.support.servers import wait_for

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
QUICK = Backoff(base_s=0.2, factor=2.0, jitter=0.0, max_attempts=4)


@contextmanager
def refusing(reply: str) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) that answers every message with `reply`."""
    server = SmtpSink(refuse_with=reply).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def notify_db(fresh_database: Callable[[MetaData], AbstractAsyncContextManager[Database]]
                    ) -> AsyncIterator[Database]:
    async with fresh_database(Base.metadata) as db:
        db.start()
        yield db


async def queue_mail(db: Database, to: str = "someone@example.jp") -> UUID:
    now = utcnow()
    notification_id, delivery_id = new_event_id(), new_event_id()
    async with db.writing() as session:
        session.add(Notification(id=notification_id, recipient=to, locale="ja", subject="件名", body="本文",
                                 source_event_id=new_event_id(), created_at=now))
        await session.flush()
        session.add(EmailDelivery(id=delivery_id, notification_id=notification_id, to_address=to, subject="件名",
                                  body="本文", state=PENDING, attempts=0, traceparent=TRACEPARENT, created_at=now,
                                  next_attempt_at=now))
    return delivery_id


async def log_of(db: Database, delivery_id: UUID) -> tuple[EmailDelivery, list[DeliveryAttempt]]:
    async with db.readers() as session:
        delivery = await session.get(EmailDelivery, delivery_id)
        attempts = (await session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery_id)
                                          .order_by(DeliveryAttempt.attempt))).all()
    assert delivery is not None
    return delivery, list(attempts)


def mailer_failures() -> float:
    return REGISTRY.get_sample_value("kakawari_worker_failures_total", {"service": "notify", "worker": "mailer"}) or 0


async def test_a_temporary_refusal_is_retried_with_growing_delays_then_marked_failed(
    notify_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    failures_before = mailer_failures()
    with refusing("451 4.3.0 try again later") as server, caplog.at_level(logging.WARNING, "kit.worker"):
        delivery_id = await queue_mail(notify_db)
        worker = mailer(notify_db, server.url, backoff=QUICK, sweep_interval_s=0.05)
        worker.start()
        try:
            delivery, attempts = await wait_for(
                lambda: _failed(notify_db, delivery_id), timeout_s=20, interval_s=0.05)
        finally:
            await worker.stop()
        assert server.refused == 4

    assert delivery.state == FAILED and delivery.attempts == 4 and "451" in (delivery.last_error or "")
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


async def _failed(db: Database, delivery_id: UUID) -> tuple[EmailDelivery, list[DeliveryAttempt]] | None:
    delivery, attempts = await log_of(db, delivery_id)
    return (delivery, attempts) if delivery.state == FAILED else None


async def test_a_permanent_refusal_is_not_retried(notify_db: Database) -> None:
    with refusing("550 5.1.1 no such mailbox") as server:
        delivery_id = await queue_mail(notify_db)
        worker = mailer(notify_db, server.url, backoff=QUICK, sweep_interval_s=0.05)
        worker.start()
        try:
            delivery, attempts = await wait_for(lambda: _failed(notify_db, delivery_id), timeout_s=10)
        finally:
            await worker.stop()
        assert server.refused == 1
    assert delivery.attempts == 1 and [a.outcome for a in attempts] == ["failed"]


async def test_a_server_that_comes_back_gets_the_mail_once(notify_db: Database) -> None:
    """Down at first (nothing listens), then up: the delivery is sent once, with its log."""
    sink = SmtpSink()
    delivery_id = await queue_mail(notify_db, to="later@example.jp")
    worker = mailer(notify_db, sink.url, backoff=Backoff(base_s=0.3, jitter=0.0, max_attempts=10),
                    sweep_interval_s=0.05)
    worker.start()
    try:
        await wait_for(lambda: _attempted(notify_db, delivery_id), timeout_s=10)
        sink.start()
        try:
            delivery, attempts = await wait_for(lambda: _sent(notify_db, delivery_id), timeout_s=20)
            assert [m.to for m in sink.messages] == [["later@example.jp"]]
            assert sink.messages[0].message_id == f"<{delivery_id}@kakawari-lab.example.jp>"
        finally:
            sink.stop()
    finally:
        await worker.stop()
    assert attempts[0].outcome == "retry" and attempts[-1].outcome == SENT
    assert delivery.attempts == len(attempts) and delivery.sent_at is not None


async def _attempted(db: Database, delivery_id: UUID) -> bool:
    _, attempts = await log_of(db, delivery_id)
    return bool(attempts)


async def _sent(db: Database, delivery_id: UUID) -> tuple[EmailDelivery, list[DeliveryAttempt]] | None:
    delivery, attempts = await log_of(db, delivery_id)
    return (delivery, attempts) if delivery.state == SENT else None
