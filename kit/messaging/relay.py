"""The outbox relay: publishes committed events to JetStream, until published.

A job on the kit's worker (`kit/worker.py`), with two ways in and one way out:
- hot path: a unit of work hands over the rows it has just committed, so they are
  published at once without being read back from the database;
- sweep: at start, when woken without rows, and every second, the worker claims whatever
  is still pending (rows left by a crash, or by another replica) and this job publishes it.
Publishes are pipelined in batches, and rows are marked published only after JetStream
acknowledged them. Each carries `Nats-Msg-Id` = event id, so a row sent twice (a crash
after publish and before marking, or a sweep racing the hot path) is dropped by
JetStream's duplicate window. An event is never given up: a failed publish is retried,
the worker backing off while NATS does not answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode
from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.outbox import PendingEvent
from kit.messaging.tables import PENDING, PUBLISHED, MessagingTables
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from kit.worker import Backoff, DueQuery, Outcome, Worker

tracer = trace.get_tracer("kakawari.outbox")

# Publishing never gives up; the delay only spaces the rounds while NATS is away.
RELAY_BACKOFF = Backoff(base_s=0.2, factor=2.0, cap_s=10.0, max_attempts=None)


class OutboxRelayJob:
    name = "outbox-relay"
    backoff = RELAY_BACKOFF

    def __init__(self, *, service: str, tables: MessagingTables, js: JetStreamContext,
                 publish_timeout_s: float = 5.0) -> None:
        self.service = service
        self.outbox = tables.outbox
        self.js = js
        self.publish_timeout_s = publish_timeout_s
        c = self.outbox.c
        self._due = select(c.id, c.subject, c.envelope, c.traceparent, c.attempts).where(c.state == PENDING)

    def due(self, now: datetime, limit: int) -> DueQuery:
        return self._due.order_by(self.outbox.c.id).limit(limit)

    def item(self, row: Row[Any]) -> PendingEvent:
        return PendingEvent(row.id, row.subject, row.envelope, row.traceparent, row.attempts)

    async def perform(self, items: Sequence[PendingEvent]) -> list[BaseException | None]:
        """Pipelined: every publish goes out before any PubAck is awaited."""
        sent: list[tuple[asyncio.Future[Any], Span]] = []
        try:
            for row in items:
                sent.append(await self._publish(row))
            done = await asyncio.wait_for(asyncio.gather(*(future for future, _ in sent), return_exceptions=True),
                                          self.publish_timeout_s)
            for (_, span), result in zip(sent, done, strict=True):
                if isinstance(result, BaseException):
                    span.set_status(Status(StatusCode.ERROR, repr(result)))
            return [result if isinstance(result, BaseException) else None for result in done]
        finally:
            # The acks of a batch come back together: end their spans here rather than one callback each.
            for _, span in sent:
                span.end()

    async def settle(self, session: AsyncSession, items: Sequence[PendingEvent], outcomes: Sequence[Outcome]) -> None:
        published = [row.id for row, outcome in zip(items, outcomes, strict=True) if outcome.done]
        if published:
            await session.execute(
                update(self.outbox)
                .where(self.outbox.c.id.in_(published))
                .values(state=PUBLISHED, published_at=utcnow(), attempts=self.outbox.c.attempts + 1)
            )
        for row, outcome in zip(items, outcomes, strict=True):
            if not outcome.done:
                await session.execute(
                    update(self.outbox).where(self.outbox.c.id == row.id)
                    .values(attempts=self.outbox.c.attempts + 1, last_error=outcome.error_text)
                )

    async def _publish(self, row: PendingEvent) -> tuple[asyncio.Future[Any], Span]:
        """Send one event under a PRODUCER span that continues the trace stored with it."""
        parent = MESSAGE_PROPAGATOR.extract({"traceparent": row.traceparent}) if row.traceparent else None
        event_id = str(row.id)
        span = tracer.start_span(
            f"{row.subject} publish", context=parent, kind=trace.SpanKind.PRODUCER,
            attributes={"messaging.system": "nats", "messaging.destination.name": row.subject,
                        "messaging.message.id": event_id, "kakawari.service": self.service},
        )
        headers = {"Nats-Msg-Id": event_id}
        MESSAGE_PROPAGATOR.inject(headers, context=trace.set_span_in_context(span))
        try:
            future = await self.js.publish_async(row.subject, row.envelope.encode(), headers=headers)
        except BaseException:
            span.end()
            raise
        return future, span


def outbox_relay(*, service: str, db: Database, tables: MessagingTables, js: JetStreamContext,
                 batch_size: int = 512, sweep_interval_s: float = 1.0) -> Worker[PendingEvent]:
    """The service's relay: the outbox job on the kit's worker."""
    job = OutboxRelayJob(service=service, tables=tables, js=js)
    return Worker(job, db=db, service=service, batch_size=batch_size, sweep_interval_s=sweep_interval_s)


async def outbox_backlog(db: Database, tables: MessagingTables) -> tuple[int, float]:
    """How many events wait, and the age in seconds of the oldest."""
    outbox = tables.outbox
    async with db.readers() as session:
        count, oldest = (
            await session.execute(select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.state == PENDING))
        ).one()
    if oldest is None:
        return int(count), 0.0
    if isinstance(oldest, str):  # SQLite aggregate results bypass the column type
        oldest = datetime.fromisoformat(oldest)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return int(count), max(0.0, (utcnow() - oldest).total_seconds())
