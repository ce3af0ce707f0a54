"""The kit's one worker primitive: background work kept in rows, claimed, run, retried, settled.

The outbox relay, notify's mailer and every scheduled job (reminders, lottery draws, digests)
are a `Job` run by a `Worker`:

- it wakes on demand (`wake()`, or `hand_over()` with items a transaction has just committed,
  which it runs without reading them back) and sweeps for due rows on a timer;
- it claims what it runs so that replicas never take the same row: on PostgreSQL the due rows
  are selected `FOR UPDATE SKIP LOCKED` and stay locked until their outcome is written; on
  SQLite one process owns the file and its single writer settles them, so a claim is kept in
  memory for as long as an item runs;
- or, for work that talks to the outside world (SMTP, webhooks), it claims with a lease: the
  job marks the rows taken until a deadline and that is committed before anything is sent, so
  no lock is held over the network, and a process that dies mid-send leaves rows whose lease
  runs out and which the job's `due` query offers again (with the same idempotency key);
- a failed item is retried with exponential backoff and jitter, up to the job's limit, then
  marked failed; when every item of a round failed (the server it talks to is down), the
  worker itself backs off before the next round instead of hammering it;
- every failure is logged with the item's trace id and counted in Prometheus.

A job says what is due, how to run a batch, and how to write each outcome down; the worker
owns the loop, the claim and the retry policy.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Hashable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.defaults import error_text
from kit.foreground import FOREGROUND
from kit.tasks import Loop
from kit.telemetry import metrics

log = logging.getLogger(__name__)

class WorkItem(Protocol):
    """What the worker needs of any item: its identity (for claims), the tries made before
    this one, and the traceparent of the request that caused it (for log lines)."""

    @property
    def id(self) -> Hashable: ...

    @property
    def attempts(self) -> int: ...

    @property
    def traceparent(self) -> str | None: ...


T = TypeVar("T", bound=WorkItem)
DueQuery = Select[*tuple[Any, ...]]  # a SELECT of any columns
ROUND_BACKOFF_CAP_S = 30.0


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: try n waits base·factorⁿ⁻¹ (at most `cap_s`), ± `jitter`."""

    base_s: float = 1.0
    factor: float = 2.0
    cap_s: float = 3600.0
    jitter: float = 0.2
    max_attempts: int | None = 8  # None: never give up (an event in the outbox is never dropped)

    def delay_s(self, attempt: int, draw: float | None = None) -> float:
        """How long to wait after the `attempt`-th failed try (1-based)."""
        raw = min(self.cap_s, self.base_s * self.factor ** max(0, attempt - 1))
        spread = (random.random() if draw is None else draw) * 2 - 1  # noqa: S311 - jitter, not a secret
        return max(0.0, raw * (1 + self.jitter * spread))

    def gives_up_after(self, attempts: int) -> bool:
        return self.max_attempts is not None and attempts >= self.max_attempts


class Permanent(Exception):
    """Returned by `perform` for an item that can never succeed (a mailbox that does not
    exist): it is marked failed at once instead of being retried."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(repr(cause))
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one try of one item came to, as the job writes it down."""

    attempts: int  # tries made, this one included
    error: BaseException | None = None
    retry_at: datetime | None = None  # failed and to be tried again then
    given_up: bool = False  # failed for the last time

    @property
    def done(self) -> bool:
        return self.error is None

    @property
    def error_text(self) -> str | None:
        return None if self.error is None else error_text(self.error)


class Job(Protocol[T]):
    """One kind of background work. `T` is the item the job runs (a row as it needs it)."""

    name: str
    backoff: Backoff

    def due(self, now: datetime, limit: int) -> DueQuery:
        """The rows ready to run, oldest first (the worker adds the claim)."""

    def item(self, row: Row[Any]) -> T:
        """A selected row as the item `perform` takes."""

    async def perform(self, items: Sequence[T]) -> Sequence[BaseException | None]:
        """Run a batch; one result per item, None for success. Runs outside any transaction
        on SQLite, so it must not write; PostgreSQL holds the claim's locks meanwhile."""

    async def settle(self, session: AsyncSession, items: Sequence[T], outcomes: Sequence[Outcome]) -> None:
        """Write each item's outcome down, in the worker's transaction."""


T_contra = TypeVar("T_contra", bound=WorkItem, contravariant=True)


class Leasing(Protocol[T_contra]):
    """What a job run with a lease adds: marking its claimed rows taken until `until`.
    Its `due` query must offer again the rows whose lease has run out."""

    async def claim(self, session: AsyncSession, items: Sequence[T_contra], until: datetime) -> None: ...


class Worker(Generic[T]):
    def __init__(
        self, job: Job[T], *, db: Database, service: str, batch_size: int = 100, sweep_interval_s: float = 1.0,
        lease: Leasing[T] | None = None, lease_s: float = 120.0,
    ) -> None:
        """`lease`: claim with a committed lease of `lease_s` seconds (usually the job itself)
        instead of holding row locks while items run; then `hand_over` is not offered."""
        self.job = job
        self.lease = lease
        self.lease_s = lease_s
        self.db = db
        self.service = service
        self.batch_size = batch_size
        self.sweep_interval_s = sweep_interval_s
        self._wake = asyncio.Event()
        self._hot: list[T] = []
        self._claimed: set[Hashable] = set()
        self._sweep_next = True  # at start: whatever a previous process left behind
        self._failed_rounds = 0
        self._loop = Loop(f"{service}-{job.name}", self._cycle)
        labels = (service, job.name)
        self._done = metrics.WORK_DONE.labels(*labels)
        self._failures = metrics.WORK_FAILURES.labels(*labels)
        self._given_up = metrics.WORK_GIVEN_UP.labels(*labels)

    # -- control ----------------------------------------------------------------------------
    def wake(self) -> None:
        """New work may be due: sweep now rather than at the next tick."""
        self._wake.set()

    def hand_over(self, items: Sequence[T]) -> None:
        """Items a transaction has just committed: run them without reading them back."""
        if self.lease is not None:
            raise TypeError("a leased worker claims in the database; call wake() instead")
        self._hot.extend(items)
        self._claimed.update(i.id for i in items)
        self._wake.set()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    # -- the loop ---------------------------------------------------------------------------
    async def _cycle(self) -> None:
        all_failed = False
        try:
            while self._hot:
                batch, self._hot = self._hot[: self.batch_size], self._hot[self.batch_size:]
                started = time.perf_counter()
                all_failed = await self._run_claimed(batch)
                await FOREGROUND.turn(time.perf_counter() - started)  # requests waiting go first
            if self._sweep_next:
                while True:
                    started = time.perf_counter()
                    picked, all_failed = await self.sweep_once()
                    await FOREGROUND.turn(time.perf_counter() - started)
                    if picked < self.batch_size or all_failed:
                        break
        except asyncio.CancelledError:
            raise
        except Exception:  # the database itself failed: nothing was settled, so all is retried
            log.exception("worker.round.failed", extra={"service": self.service, "worker": self.job.name})
            all_failed = True
        if all_failed:
            # Everything failed: the far side is likely down, so wait longer each round (items
            # keep their own, longer, schedule; this only stops a tight loop).
            self._failed_rounds += 1
            await asyncio.sleep(min(ROUND_BACKOFF_CAP_S, self.job.backoff.delay_s(self._failed_rounds)))
        else:
            self._failed_rounds = 0
        woken = False
        with suppress(TimeoutError):
            woken = await asyncio.wait_for(self._wake.wait(), self.sweep_interval_s)
        self._wake.clear()
        self._sweep_next = not (woken and self._hot)  # a hand-over needs no sweep; a tick or bare wake does

    async def sweep_once(self) -> tuple[int, bool]:
        """Claim, run and settle one batch of due rows. Returns how many rows were due, and
        whether every item run failed."""
        query = self.job.due(utcnow(), self.batch_size)
        if self.lease is not None:
            return await self._sweep_leased(query, self.lease)
        if self.db.dialect == "postgresql":
            # Replicas sweep side by side: each takes rows the others have not locked, and keeps
            # them locked until their outcome is committed.
            async with self.db.writing() as session:
                rows = (await session.execute(query.with_for_update(skip_locked=True))).all()
                items = self._unclaimed(rows)
                if items:
                    outcomes = await self._perform(items)
                    await self.job.settle(session, items, outcomes)
                    self._count(outcomes)
            return len(rows), bool(items) and all(not o.done for o in outcomes)
        # SQLite: this process owns the file; read without the write lock, claim in memory.
        async with self.db.readers() as session:
            rows = (await session.execute(query)).all()
        items = self._unclaimed(rows)
        self._claimed.update(i.id for i in items)
        return len(rows), await self._run_claimed(items)

    async def _sweep_leased(self, query: DueQuery, lease: Leasing[T]) -> tuple[int, bool]:
        """Claim with a lease committed before the items run, then run and settle them."""
        if self.db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        async with self.db.writing() as session:
            rows = (await session.execute(query)).all()
            items = self._unclaimed(rows)
            if items:
                await lease.claim(session, items, utcnow() + timedelta(seconds=self.lease_s))
        self._claimed.update(i.id for i in items)
        return len(rows), await self._run_claimed(items)

    def _unclaimed(self, rows: Sequence[Row[Any]]) -> list[T]:
        items = [self.job.item(row) for row in rows]
        return [i for i in items if i.id not in self._claimed]

    async def _run_claimed(self, items: list[T]) -> bool:
        """Run items claimed in memory and settle them under the write lock; True if all failed."""
        if not items:
            return False
        try:
            outcomes = await self._perform(items)
            async with self.db.writing() as session:
                await self.job.settle(session, items, outcomes)
            self._count(outcomes)
            return all(not o.done for o in outcomes)
        finally:
            self._claimed.difference_update(i.id for i in items)

    async def _perform(self, items: Sequence[T]) -> list[Outcome]:
        try:
            results = list(await self.job.perform(items))
        except Exception as exc:  # noqa: BLE001 - a batch that fails whole fails each of its items
            results = [exc] * len(items)
        now = utcnow()
        outcomes: list[Outcome] = []
        for item, error in zip(items, results, strict=True):
            attempts = item.attempts + 1
            if error is None:
                outcomes.append(Outcome(attempts))
                continue
            given_up = isinstance(error, Permanent) or self.job.backoff.gives_up_after(attempts)
            delay = None if given_up else self.job.backoff.delay_s(attempts)
            outcomes.append(Outcome(attempts, error, None if delay is None else now + timedelta(seconds=delay),
                                    given_up))
            self._log_failure(item, attempts, error, delay)
        return outcomes

    def _log_failure(self, item: T, attempts: int, error: BaseException, delay: float | None) -> None:
        traceparent = item.traceparent
        parts = traceparent.split("-") if traceparent else []
        log.warning(
            "worker.item.gave_up" if delay is None else "worker.item.failed",
            extra={"service": self.service, "worker": self.job.name, "item": str(item.id),
                   "attempt": attempts, "retry_in_s": None if delay is None else round(delay, 3),
                   "error": error_text(error), "trace_id": parts[1] if len(parts) == 4 else None},
        )

    def _count(self, outcomes: Sequence[Outcome]) -> None:
        done = sum(1 for o in outcomes if o.done)
        if done:
            self._done.inc(done)
        if failed := len(outcomes) - done:
            self._failures.inc(failed)
        if given_up := sum(1 for o in outcomes if o.given_up):
            self._given_up.inc(given_up)
