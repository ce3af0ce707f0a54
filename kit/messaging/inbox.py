"""The idempotent consumer's core: inbox row and effects in one transaction.

Deliveries that arrive together (a pull fetch hands over up to a few hundred at
once) are applied in one transaction, each inside its own SAVEPOINT, and
committed together: one fsync for the lot instead of one each. A failing
handler rolls back only its own savepoint; its message is nacked, the others are
acked, and every ack comes after the commit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.db.engine import Database
from kit.db.types import utcnow
from kit.db.uow import OutboxWriter
from kit.messaging.envelope import Envelope
from kit.messaging.handlers import HandlerContext, Subscription
from kit.messaging.tables import MessagingTables
from kit.telemetry import metrics

tracer = trace.get_tracer("kakawari.inbox")

APPLIED = "applied"
DUPLICATE = "duplicate"


@dataclass
class _Delivery:
    subscription: Subscription
    envelope: Envelope
    future: asyncio.Future[str]
    trace_context: otel_context.Context
    emitted: list[Envelope] = field(default_factory=list)
    callbacks: list[Callable[[], None]] = field(default_factory=list)


class InboxApplier:
    def __init__(
        self, *, service: str, db: Database, tables: MessagingTables, outbox: OutboxWriter,
        on_emit: Callable[[], None] = lambda: None, max_batch: int = 512, extras: dict[str, Any] | None = None,
    ) -> None:
        self.extras = extras if extras is not None else {}
        self.service = service
        self.db = db
        self.inbox = tables.inbox
        self.outbox = outbox
        self.on_emit = on_emit
        self.max_batch = max_batch
        self._queue: list[_Delivery] = []
        self._worker: asyncio.Task[None] | None = None
        insert = postgresql.insert if db.dialect == "postgresql" else sqlite.insert
        self._insert_inbox = insert(self.inbox).on_conflict_do_nothing(index_elements=["consumer", "event_id"])

    async def apply(self, subscription: Subscription, envelope: Envelope) -> str:
        """Apply one delivery; returns APPLIED or DUPLICATE once committed, raises if it failed."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._queue.append(_Delivery(subscription, envelope, future, otel_context.get_current()))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            await asyncio.sleep(0)  # let deliveries of the same fetch join this batch
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
            await self._commit_batch(batch)

    async def _commit_batch(self, batch: list[_Delivery]) -> None:
        started = time.perf_counter()
        outcomes: list[str | BaseException] = []
        try:
            async with self.db.sessions() as session:
                async with session.begin():
                    for delivery in batch:
                        outcomes.append(await self._apply_one(session, delivery))
                    emitted = [e for d, o in zip(batch, outcomes, strict=True) if o == APPLIED for e in d.emitted]
                    await self.outbox.write(session, emitted)
        except Exception as exc:  # the commit itself failed: nothing of the batch happened
            for delivery in batch:
                if not delivery.future.done():
                    delivery.future.set_exception(exc)
            return
        if emitted:
            self.on_emit()
        for delivery, outcome in zip(batch, outcomes, strict=True):
            if outcome == APPLIED:
                for callback in delivery.callbacks:
                    callback()
        by_consumer: dict[str, int] = {}
        for delivery, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                delivery.future.set_exception(outcome)
            else:
                delivery.future.set_result(outcome)
            by_consumer[delivery.subscription.name] = by_consumer.get(delivery.subscription.name, 0) + 1
        elapsed = time.perf_counter() - started
        for consumer in by_consumer:
            metrics.HANDLER_SECONDS.labels(self.service, consumer).observe(elapsed)

    async def _apply_one(self, session: AsyncSession, delivery: _Delivery) -> str | BaseException:
        # Run in the delivery's own trace, not the batch worker's.
        token = otel_context.attach(delivery.trace_context)
        try:
            with tracer.start_as_current_span(f"{delivery.subscription.name} apply"):
                return await self._apply_in_savepoint(session, delivery)
        finally:
            otel_context.detach(token)

    async def _apply_in_savepoint(self, session: AsyncSession, delivery: _Delivery) -> str | BaseException:
        sub, envelope = delivery.subscription, delivery.envelope
        try:
            async with session.begin_nested():
                row = {"consumer": sub.name, "event_id": envelope.id,
                       "event_type": envelope.versioned_type, "processed_at": utcnow()}
                result = await session.execute(self._insert_inbox, row)
                if result.rowcount == 0:  # type: ignore[attr-defined]
                    return DUPLICATE

                def emit(event: EventContract) -> Envelope:
                    env = self.outbox.envelope(event)
                    delivery.emitted.append(env)
                    return env

                ctx = HandlerContext(session=session, envelope=envelope, emit=emit,
                                     after_commit=delivery.callbacks.append, extras=self.extras)
                await sub.handler(envelope.open(sub.contract), ctx)
            return APPLIED
        except Exception as exc:  # noqa: BLE001 - reported per delivery, nacked by the caller
            delivery.emitted.clear()
            delivery.callbacks.clear()
            return exc
