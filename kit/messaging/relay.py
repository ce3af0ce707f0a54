"""The outbox relay: publishes committed events to JetStream, until published.

Two ways in, one way out:
- hot path: a unit of work hands over the rows it has just committed, so they are
  published at once without being read back from the database;
- sweep: at start, when woken without rows, and every second, it reads whatever
  is still pending (rows left by a crash, or by another replica) and publishes it.
Publishes are pipelined in batches, and rows are marked published only after
JetStream acknowledged them. Each carries `Nats-Msg-Id` = event id, so a row sent
twice (a crash after publish and before marking, or a sweep racing the hot path)
is dropped by JetStream's duplicate window.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from nats.js import JetStreamContext
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode
from sqlalchemy import func, select, update

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.tables import PENDING, PUBLISHED, MessagingTables
from kit.tasks import Loop
from kit.telemetry import metrics
from kit.telemetry.tracing import MESSAGE_PROPAGATOR

log = logging.getLogger(__name__)
tracer = trace.get_tracer("kakawari.outbox")


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An outbox row as the relay needs it."""

    id: UUID
    subject: str
    envelope: str
    traceparent: str | None


class OutboxRelay:
    def __init__(
        self,
        *,
        service: str,
        db: Database,
        tables: MessagingTables,
        js: JetStreamContext,
        batch_size: int = 512,
        sweep_interval_s: float = 1.0,
        publish_timeout_s: float = 5.0,
    ) -> None:
        self.service = service
        self.db = db
        self.outbox = tables.outbox
        self.js = js
        self.batch_size = batch_size
        self.sweep_interval_s = sweep_interval_s
        self.publish_timeout_s = publish_timeout_s
        self._wake = asyncio.Event()
        self._loop = Loop(f"{service}-outbox-relay", self._cycle)
        self._sweep_next = True  # at start: whatever a previous process left behind
        self._failures = 0
        self._hot: list[PendingEvent] = []
        self._inflight: set[UUID] = set()

    def hand_over(self, rows: list[PendingEvent]) -> None:
        """Rows a unit of work has just committed: publish them without reading them back."""
        self._hot.extend(rows)
        self._inflight.update(r.id for r in rows)
        self._wake.set()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _cycle(self) -> None:
        try:
            while self._hot:
                batch, self._hot = self._hot[: self.batch_size], self._hot[self.batch_size :]
                try:
                    await self._publish_hot(batch)
                finally:
                    self._inflight.difference_update(r.id for r in batch)
            if self._sweep_next:
                while await self.drain_once() == self.batch_size:
                    pass
            self._failures = 0
        except asyncio.CancelledError:
            raise
        except Exception:
            self._failures += 1
            log.exception("outbox.relay.failed", extra={"service": self.service})
            await asyncio.sleep(min(0.2 * 2**self._failures, 10.0))
        woken = False
        with suppress(TimeoutError):
            woken = await asyncio.wait_for(self._wake.wait(), self.sweep_interval_s)
        self._wake.clear()
        self._sweep_next = not (woken and self._hot)  # a hand-over needs no sweep; a timeout or bare wake does

    async def _publish_hot(self, batch: list[PendingEvent]) -> None:
        # Publish first, then take the write lock only for the short UPDATE that marks them.
        outcome = await self._publish_all(batch)
        async with self.db.writing() as session:
            await self._mark(session, batch, outcome)

    async def drain_once(self) -> int:
        """Publish one batch of pending events; returns how many it picked up."""
        query = select(self.outbox.c.id, self.outbox.c.subject, self.outbox.c.envelope, self.outbox.c.traceparent)
        query = query.where(self.outbox.c.state == PENDING).order_by(self.outbox.c.id).limit(self.batch_size)
        if self.db.dialect == "postgresql":
            # Several replicas may relay at once: each takes rows the others have not locked.
            async with self.db.writing() as session:
                rows = (await session.execute(query.with_for_update(skip_locked=True))).all()
                fresh = self._not_inflight(rows)
                if fresh:
                    await self._mark(session, fresh, await self._publish_all(fresh))
            return len(rows)
        # SQLite: one process owns the file, so read without the write lock while publishing.
        async with self.db.readers() as session:
            rows = (await session.execute(query)).all()
        fresh = self._not_inflight(rows)
        if fresh:
            outcome = await self._publish_all(fresh)
            async with self.db.writing() as session:
                await self._mark(session, fresh, outcome)
        return len(rows)

    def _not_inflight(self, rows: Sequence[Any]) -> list[PendingEvent]:
        """Skip rows the hot path is about to publish (a double publish would be deduped, but costs)."""
        return [PendingEvent(r.id, r.subject, r.envelope, r.traceparent) for r in rows if r.id not in self._inflight]

    async def _publish_all(self, rows: Sequence[PendingEvent]) -> list[Any]:
        """Pipelined: every publish goes out before any PubAck is awaited. Returns acks or errors."""
        sent: list[tuple[asyncio.Future[Any], Span]] = []
        try:
            for row in rows:
                sent.append(await self._publish(row))
            done = await asyncio.wait_for(asyncio.gather(*(future for future, _ in sent), return_exceptions=True),
                                          self.publish_timeout_s)
            for (_, span), result in zip(sent, done, strict=True):
                if isinstance(result, BaseException):
                    span.set_status(Status(StatusCode.ERROR, repr(result)))
            return done
        finally:
            # The acks of a batch come back together: end their spans here rather than one callback each.
            for _, span in sent:
                span.end()

    async def _mark(self, session: Any, rows: Sequence[PendingEvent], done: list[Any]) -> None:
        published = [row.id for row, result in zip(rows, done, strict=True) if not isinstance(result, BaseException)]
        failed = [(row.id, result) for row, result in zip(rows, done, strict=True) if isinstance(result, BaseException)]
        if published:
            await session.execute(
                update(self.outbox)
                .where(self.outbox.c.id.in_(published))
                .values(state=PUBLISHED, published_at=utcnow(), attempts=self.outbox.c.attempts + 1)
            )
            metrics.OUTBOX_PUBLISHED.labels(self.service).inc(len(published))
        for event_id, error in failed:
            await session.execute(
                update(self.outbox)
                .where(self.outbox.c.id == event_id)
                .values(attempts=self.outbox.c.attempts + 1, last_error=repr(error)[:2000])
            )
        if failed:
            metrics.OUTBOX_PUBLISH_ERRORS.labels(self.service).inc(len(failed))
            raise RuntimeError(f"{len(failed)} of {len(rows)} publishes failed: {failed[0][1]!r}")

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

    async def backlog(self) -> tuple[int, float]:
        """How many events wait, and the age in seconds of the oldest."""
        async with self.db.readers() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(self.outbox.c.created_at)).where(self.outbox.c.state == PENDING)
                )
            ).one()
        if oldest is None:
            return int(count), 0.0
        if isinstance(oldest, str):  # SQLite aggregate results bypass the column type
            oldest = datetime.fromisoformat(oldest)
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        return int(count), max(0.0, (utcnow() - oldest).total_seconds())
