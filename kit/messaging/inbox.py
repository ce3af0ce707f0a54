"""The idempotent consumer's core: inbox row and effects in one transaction.

Deliveries that arrive together are applied in one transaction and committed
together: one commit for the lot instead of one each, and every ack after it.

- Fast path: one INSERT … ON CONFLICT DO NOTHING RETURNING claims the inbox rows
  of the whole batch (what it does not return was applied before: a duplicate),
  then the handlers run and everything commits at once.
- Careful path: if any handler raises, that transaction is rolled back and the
  batch runs again with a SAVEPOINT around each delivery, so only the failing
  delivery's effects are undone; it is nacked, the others commit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from uuid import UUID

from opentelemetry import context as otel_context
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.db.conflict import dialect_insert
from kit.db.engine import Database
from kit.db.types import utcnow
from kit.foreground import FOREGROUND
from kit.messaging.envelope import Envelope
from kit.messaging.handlers import HandlerContext, Subscription
from kit.messaging.outbox import OnCommit, OutboxWriter, PendingEvent
from kit.messaging.tables import MessagingTables
from kit.telemetry import metrics

tracer = trace.get_tracer("kakawari.inbox")

BUSY_BATCH = 8  # deliveries per transaction while HTTP requests wait (kit/foreground.py)
APPLIED = "applied"
DUPLICATE = "duplicate"
Outcome = str | BaseException
D = TypeVar("D")


@dataclass
class _Delivery(Generic[D]):
    subscription: Subscription[D]
    envelope: Envelope
    future: asyncio.Future[str]
    trace_context: otel_context.Context
    attempt: int
    sequence: int | None = None
    emitted: list[Envelope] = field(default_factory=list)
    callbacks: list[Callable[[], None]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, UUID]:
        return self.subscription.name, self.envelope.id

    def reset(self) -> None:
        self.emitted.clear()
        self.callbacks.clear()


class _HandlerFailed(Exception):
    """A handler raised on the fast path: redo the batch carefully."""


class InboxApplier(Generic[D]):
    def __init__(
        self, *, service: str, db: Database, tables: MessagingTables, outbox: OutboxWriter, deps: D,
        on_emit: OnCommit = lambda rows: None, max_batch: int = 512,
    ) -> None:
        self.deps = deps
        self.service = service
        self.db = db
        self.inbox = tables.inbox
        self.outbox = outbox
        self.on_emit = on_emit
        self.max_batch = max_batch
        self._queue: list[_Delivery[D]] = []
        self._worker: asyncio.Task[None] | None = None
        # One statement, compiled once: executed with many rows it becomes one multi-row INSERT
        # (SQLAlchemy's insertmanyvalues) and returns only the rows that were really inserted.
        self._claim_statement = (dialect_insert(db.dialect, self.inbox)
                                 .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
                                 .returning(self.inbox.c.consumer, self.inbox.c.event_id))

    def submit(self, subscription: Subscription[D], envelope: Envelope, attempt: int = 1,
               sequence: int | None = None) -> asyncio.Future[str]:
        """Queue one delivery (`sequence`: its stream sequence); the future says APPLIED or DUPLICATE once
        committed, or holds the error."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._queue.append(_Delivery(subscription, envelope, future, otel_context.get_current(), attempt, sequence))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return future

    def abandon_queued(self) -> int:
        """On shutdown: give up the deliveries not yet in a transaction (their futures are cancelled, so
        they are never acked and JetStream redelivers them to the next process); returns how many."""
        queued, self._queue = self._queue, []
        for delivery in queued:
            delivery.future.cancel()
        return len(queued)

    async def apply(self, subscription: Subscription[D], envelope: Envelope) -> str:
        return await self.submit(subscription, envelope)

    async def _drain(self) -> None:
        while self._queue:
            await asyncio.sleep(0)  # let deliveries that arrived together join this batch
            # While requests wait for answers, small batches: a batch holds the loop until it commits.
            size = BUSY_BATCH if FOREGROUND.busy else self.max_batch
            batch, self._queue = self._queue[:size], self._queue[size:]
            started = time.perf_counter()
            await self._commit_batch(batch)
            await FOREGROUND.turn(time.perf_counter() - started)

    async def _commit_batch(self, batch: list[_Delivery[D]]) -> None:
        started = time.perf_counter()
        try:
            try:
                outcomes, written = await self._transaction(batch, careful=False)
            except _HandlerFailed:
                outcomes, written = await self._transaction(batch, careful=True)
        except Exception as exc:  # the transaction itself failed: nothing of the batch happened
            for delivery in batch:
                if not delivery.future.done():
                    delivery.future.set_exception(exc)
            return
        if written:
            self.on_emit(written)
        for delivery, outcome in zip(batch, outcomes, strict=True):
            if outcome == APPLIED:
                for callback in delivery.callbacks:
                    callback()
            if isinstance(outcome, BaseException):
                delivery.future.set_exception(outcome)
            else:
                delivery.future.set_result(outcome)
        elapsed = time.perf_counter() - started
        for consumer in {d.subscription.name for d in batch}:
            metrics.HANDLER_SECONDS.labels(self.service, consumer).observe(elapsed)

    async def _transaction(
        self, batch: list[_Delivery[D]], *, careful: bool
    ) -> tuple[list[Outcome], list[PendingEvent]]:
        """One transaction for the batch; returns each delivery's outcome and the outbox rows it wrote."""
        for delivery in batch:
            delivery.reset()
        async with self.db.writing() as session:
            if careful:
                outcomes = [await self._in_savepoint(session, d) for d in batch]
            else:
                claimed = await self._claim(session, batch)
                outcomes = []
                for delivery in batch:
                    if delivery.key not in claimed:
                        outcomes.append(DUPLICATE)
                        continue
                    claimed.discard(delivery.key)  # the same event twice in one batch: apply once
                    failure = await self._run_handler(session, delivery, flush=False)
                    if failure is not None:
                        raise _HandlerFailed from failure
                    outcomes.append(APPLIED)
                try:
                    await session.flush()  # every handler's rows in a few batched statements
                except Exception as exc:
                    raise _HandlerFailed from exc
            emitted = [e for d, o in zip(batch, outcomes, strict=True) if o == APPLIED for e in d.emitted]
            written = await self.outbox.write(session, emitted)
        return outcomes, written

    def _inbox_row(self, delivery: _Delivery[D]) -> dict[str, Any]:
        return {"consumer": delivery.subscription.name, "event_id": delivery.envelope.id,
                "event_type": delivery.envelope.versioned_type, "processed_at": utcnow()}

    async def _claim(self, session: AsyncSession, batch: list[_Delivery[D]]) -> set[tuple[str, UUID]]:
        """Insert the batch's inbox rows at once; returns the keys that were new."""
        rows = list({d.key: self._inbox_row(d) for d in batch}.values())
        return {(r.consumer, r.event_id) for r in await session.execute(self._claim_statement, rows)}

    async def _in_savepoint(self, session: AsyncSession, delivery: _Delivery[D]) -> Outcome:
        savepoint = await session.begin_nested()
        claimed = await self._claim(session, [delivery])
        if not claimed:
            await savepoint.commit()
            return DUPLICATE
        failure = await self._run_handler(session, delivery, flush=True)
        if failure is not None:
            await savepoint.rollback()
            delivery.reset()
            return failure
        await savepoint.commit()
        return APPLIED

    async def _run_handler(self, session: AsyncSession, delivery: _Delivery[D], *, flush: bool) -> BaseException | None:
        """Run one handler in its delivery's own trace; returns what it raised, if anything."""
        sub = delivery.subscription
        try:
            # The delivery's CONSUMER span, a child of the relay's publish span (semantic conventions).
            with tracer.start_as_current_span(
                f"{sub.name} apply", context=delivery.trace_context, kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.system": "nats", "messaging.operation.type": "process",
                            "messaging.consumer.group.name": sub.name,
                            "messaging.message.id": str(delivery.envelope.id),
                            "kakawari.event.type": delivery.envelope.versioned_type},
            ):

                def emit(event: EventContract) -> Envelope:
                    envelope = self.outbox.envelope(event)
                    delivery.emitted.append(envelope)
                    return envelope

                ctx = HandlerContext(session=session, envelope=delivery.envelope, emit=emit,
                                     after_commit=delivery.callbacks.append, deps=self.deps,
                                     attempt=delivery.attempt, stream_sequence=delivery.sequence)
                await sub.handler(delivery.envelope.open(sub.contract), ctx)
                if flush:
                    await session.flush()  # a constraint error is attributed to this delivery
            return None
        except Exception as exc:  # noqa: BLE001 - reported per delivery, nacked by the caller
            return exc
