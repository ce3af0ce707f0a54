"""forum's scheduled work, two jobs on the kit's worker (`kit/worker.py`), both leased.

`scheduler` fires the rows of `scheduled_jobs` when due: reminders (24 h, 1 h, the request to
reconfirm), the reconfirmation deadline and the lottery draw. Exactly once, across restarts and
replicas:
- the claim is a lease: `due_at` moves to the lease's end (and `attempts` up by one) and that
  commits before anything runs, so no lock is held while a job works, and a job whose process
  died is due again when the lease runs out;
- the work and the bookkeeping are ONE unit of work that starts with
  `UPDATE scheduled_jobs SET done_at = now WHERE id = :id AND done_at IS NULL RETURNING id`.
  That row lock serialises two processes that hold the same job (a lease that ran out under a
  slow one); the second finds it done and writes nothing. A crash before the commit leaves
  nothing done and nothing emitted; after it, the job is done. So a reminder never goes twice.
- a failed job is due again after the backoff (`due_at`, `last_error`); one that gives up is
  marked done with its `last_error`, so it never runs again (done, with an error: failed).

Per kind, each only for a published event:
- reminders emit `ReminderDue` to every confirmed attendee (`reconfirm`: those who have not
  reconfirmed), unless the event has started;
- the reconfirmation deadline (in-person events): confirmed attendees who were asked and have
  neither reconfirmed nor touched their signup since go to the END of the waitlist (their seat is
  given up, not their interest: `SignupWaitlisted`, not `SignupCancelled`), then the line moves
  up. If fewer people were waiting than seats freed, some come back round and are told they are
  promoted, not waitlisted: a seat nobody else wants stays theirs;
- the draw is the lottery slice's `draw(tx, links, event_id)`, in the same unit of work (which
  draws a lottery once whatever happens; the `done_at` guard makes that twice sure).

`holds` expires seats held too long, each in one unit of work:
- an address not verified within the hold window: the held seat is released, the person goes to
  the end of the waitlist (`SignupWaitlisted`) and the next in line is promoted. If nobody else
  was waiting they come straight back as `offered` for one more window (accepting verifies);
- an offer of a promoted seat not accepted in time: the person is CANCELLED
  (`SignupCancelled`, "the offer expired"), not requeued: they had their turn, and requeueing a
  person who does not answer would offer them the same seat forever. They may sign up again.
Its lease is the expiry itself, moved to the lease's end; the process that acts is the one
whose lease the row still carries, and only if the signup is still held (a verification or an
acceptance that got in first wins).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from opentelemetry import trace
from sqlalchemy import Row, and_, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.forum import ReminderDue, SignupWaitlisted
from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from kit.worker import Backoff, DueQuery, Outcome, Worker
from services.forum.links import SignupLinks
from services.forum.lottery.service import draw as lottery_draw
from services.forum.models import Event, ScheduledJob, Signup
from services.forum.schedule import repository
from services.forum.schedule.domain.plan import REMINDERS, JobKind
from services.forum.seats import EVENT_SEATS
from services.forum.signups import repository as signups
from services.forum.signups.domain.rules import SignupStatus
from services.forum.signups.service import facts, promote_next, release

tracer = trace.get_tracer("kakawari.forum.schedule")
J = ScheduledJob
NO_SYNC = {"synchronize_session": False}  # bulk statements: the rows are not in the session
# Ten tries over about four hours; a reminder is worthless after the start anyway.
JOB_BACKOFF = Backoff(base_s=15.0, factor=2.0, cap_s=1800.0, max_attempts=10)
# A hold is never given up: it must expire some day. Signups keep no count of tries, so each
# retry waits the base delay.
HOLD_BACKOFF = Backoff(base_s=30.0, max_attempts=None)
Draw = Callable[[UnitOfWork, SignupLinks, UUID], Awaitable[object]]
S = SignupStatus


@dataclass(frozen=True, slots=True)
class DueJob:
    id: UUID
    event_id: UUID
    kind: str
    attempts: int
    traceparent: str | None


class ScheduledWork:
    name = "scheduler"

    def __init__(self, uow: UnitOfWorkFactory, links: SignupLinks, *, draw: Draw = lottery_draw,
                 backoff: Backoff = JOB_BACKOFF) -> None:
        self.uow = uow
        self.links = links
        self.draw = draw
        self.backoff = backoff
        self._due = select(J.id, J.event_id, J.kind, J.attempts, J.traceparent)

    def due(self, now: datetime, limit: int) -> DueQuery:
        return self._due.where(J.done_at.is_(None), J.due_at <= now).order_by(J.due_at, J.id).limit(limit)

    def item(self, row: Row[Any]) -> DueJob:
        return DueJob(row.id, row.event_id, row.kind, row.attempts, row.traceparent)

    async def claim(self, session: AsyncSession, items: Sequence[DueJob], until: datetime) -> None:
        await session.execute(update(J).where(J.id.in_([i.id for i in items]), J.done_at.is_(None))
                              .values(due_at=until, attempts=J.attempts + 1).execution_options(**NO_SYNC))

    async def perform(self, items: Sequence[DueJob]) -> list[BaseException | None]:
        results: list[BaseException | None] = []
        for item in items:
            try:
                await self.fire(item)
                results.append(None)
            except Exception as exc:  # noqa: BLE001 - one job's failure is its own, retried alone
                results.append(exc)
        return results

    async def fire(self, job: DueJob) -> bool:
        """Do the job and mark it done in one unit of work; False if it was done already."""
        parent = MESSAGE_PROPAGATOR.extract({"traceparent": job.traceparent}) if job.traceparent else None
        with tracer.start_as_current_span(f"forum {job.kind}", context=parent,
                                          attributes={"forum.event_id": str(job.event_id)}):
            async with self.uow() as tx:
                now = utcnow()
                mine = await tx.session.scalar(
                    update(J).where(J.id == job.id, J.done_at.is_(None))
                    .values(done_at=now, last_error=None).returning(J.id).execution_options(**NO_SYNC))
                if mine is None:
                    return False  # another process did it; leaving rolls back
                event = await signups.event(tx.session, job.event_id)
                if event is not None and event.status == "published":
                    await self._work(tx, JobKind(job.kind), event, now)
                await tx.commit()
        return True

    async def _work(self, tx: UnitOfWork, kind: JobKind, event: Event, now: datetime) -> None:
        if kind in REMINDERS:
            if event.starts_at > now:
                for signup in await repository.confirmed(tx.session, event.id,
                                                         unreconfirmed=kind == JobKind.reconfirm_request):
                    tx.emit(ReminderDue(**facts(self.links, event, signup), which=REMINDERS[kind]))
        elif kind == JobKind.reconfirm_deadline:
            await self._deadline(tx, event, now)
        elif kind == JobKind.lottery_draw:
            await self.draw(tx, self.links, event.id)

    async def _deadline(self, tx: UnitOfWork, event: Event, now: datetime) -> None:
        """Seats of those asked to reconfirm who did not go to the waitlist; the line moves up."""
        if event.online or not event.reconfirm_hours or event.starts_at <= now:
            return
        asked_at = await repository.fired_at(tx.session, event.id, JobKind.reconfirm_request)
        if asked_at is None:
            return  # nobody was asked (the request's time had passed when the event was planned)
        silent = await repository.confirmed(tx.session, event.id, unreconfirmed=True, untouched_since=asked_at)
        for signup in silent:
            await EVENT_SEATS.release(tx.session, event.id, "confirmed")
            await _to_the_end_of_the_line(tx.session, event, signup, now)
        await tx.session.flush()
        await promote_next(tx, self.links, event)
        for signup in silent:
            await _tell_waitlisted(tx, self.links, event, signup)

    async def settle(self, session: AsyncSession, items: Sequence[DueJob], outcomes: Sequence[Outcome]) -> None:
        """Done jobs were marked by their own unit of work; failures wait or give up here."""
        now = utcnow()
        for job, outcome in zip(items, outcomes, strict=True):
            if outcome.done:
                continue
            pending = and_(J.id == job.id, J.done_at.is_(None))
            if outcome.given_up:
                values: dict[str, Any] = {"done_at": now, "last_error": f"gave up: {outcome.error_text}"}
            else:
                values = {"due_at": outcome.retry_at, "last_error": outcome.error_text}
            await session.execute(update(J).where(pending).values(values).execution_options(**NO_SYNC))


@dataclass(frozen=True, slots=True)
class ExpiredHold:
    id: UUID
    status: str  # pending_verification or offered
    attempts: int = 0  # signups keep no count of tries
    traceparent: str | None = None


class HoldExpiry:
    name = "holds"
    backoff = HOLD_BACKOFF

    def __init__(self, uow: UnitOfWorkFactory, links: SignupLinks) -> None:
        self.uow = uow
        self.links = links
        self._leases: dict[UUID, datetime] = {}  # the lease this process holds, by signup
        s = Signup
        self._expires = case((s.status == S.pending_verification, s.hold_expires_at), else_=s.offer_expires_at)

    def due(self, now: datetime, limit: int) -> DueQuery:
        s = Signup
        return (select(s.id, s.status)
                .where(or_(and_(s.status == S.pending_verification, s.hold_expires_at <= now),
                           and_(s.status == S.offered, s.offer_expires_at <= now)))
                .order_by(self._expires, s.id).limit(limit))

    def item(self, row: Row[Any]) -> ExpiredHold:
        return ExpiredHold(row.id, row.status)

    async def claim(self, session: AsyncSession, items: Sequence[ExpiredHold], until: datetime) -> None:
        await self._extend(session, items, until)
        self._leases.update((i.id, until) for i in items)

    async def _extend(self, session: AsyncSession, items: Sequence[ExpiredHold], until: datetime | None) -> None:
        for status, column in ((S.pending_verification, "hold_expires_at"), (S.offered, "offer_expires_at")):
            ids = [i.id for i in items if i.status == status]
            if ids:
                await session.execute(update(Signup).where(Signup.id.in_(ids), Signup.status == status)
                                      .values({column: until}).execution_options(**NO_SYNC))

    async def perform(self, items: Sequence[ExpiredHold]) -> list[BaseException | None]:
        results: list[BaseException | None] = []
        for item in items:
            lease = self._leases.pop(item.id, None)
            try:
                await self.expire(item, lease)
                results.append(None)
            except Exception as exc:  # noqa: BLE001 - one signup's failure is its own, retried alone
                results.append(exc)
        return results

    async def expire(self, item: ExpiredHold, lease: datetime | None) -> bool:
        """Release one expired hold or offer in one unit of work; False if it is not ours to."""
        async with self.uow() as tx:
            signup = await repository.locked_signup(tx.session, item.id)
            if signup is None or signup.status != item.status:
                return False  # verified, accepted or expired by another process meanwhile
            expires = signup.hold_expires_at if item.status == S.pending_verification else signup.offer_expires_at
            if lease is not None and expires != lease:
                return False  # our lease ran out and another process holds the row now
            event = await signups.event(tx.session, signup.event_id)
            assert event is not None
            now = utcnow()
            if item.status == S.offered:
                await release(tx, self.links, event, signup, reason="the offer of a seat expired")
            else:
                await EVENT_SEATS.release(tx.session, event.id, "held")
                await _to_the_end_of_the_line(tx.session, event, signup, now)
                signup.hold_expires_at = None
            await tx.session.flush()
            if event.status == "published" and event.starts_at > now:
                await promote_next(tx, self.links, event)
            await _tell_waitlisted(tx, self.links, event, signup)
            await tx.commit()
        return True

    async def settle(self, session: AsyncSession, items: Sequence[ExpiredHold], outcomes: Sequence[Outcome]) -> None:
        """Expired holds were settled by their own unit of work; a failure is tried again later."""
        for item, outcome in zip(items, outcomes, strict=True):
            if not outcome.done:
                await self._extend(session, [item], outcome.retry_at or utcnow())


async def _to_the_end_of_the_line(session: AsyncSession, event: Event, signup: Signup, now: datetime) -> None:
    """A seat already given back: a new ticket at the end of the event's waitlist."""
    ticket = await EVENT_SEATS.enqueue(session, event.id)
    signup.status, signup.waitlist_ticket, signup.updated_at = S.waitlisted, ticket.waitlist_ticket, now


async def _tell_waitlisted(tx: UnitOfWork, links: SignupLinks, event: Event, signup: Signup) -> None:
    """`SignupWaitlisted` with the place in line after the promotions, unless promoted back."""
    position = await signups.waitlist_position(tx.session, signup)
    if position is not None:
        tx.emit(SignupWaitlisted(**facts(links, event, signup), waitlist_position=position))


def scheduler(db: Database, uow: UnitOfWorkFactory, links: SignupLinks, *, draw: Draw = lottery_draw,
              sweep_interval_s: float = 5.0, lease_s: float = 300.0, batch_size: int = 20) -> Worker[DueJob]:
    """forum's scheduled jobs on the kit's worker, leased."""
    job = ScheduledWork(uow, links, draw=draw)
    return Worker(job, db=db, service="forum", batch_size=batch_size, sweep_interval_s=sweep_interval_s,
                  lease=job, lease_s=lease_s)


def holds(db: Database, uow: UnitOfWorkFactory, links: SignupLinks, *, sweep_interval_s: float = 10.0,
          lease_s: float = 120.0, batch_size: int = 100) -> Worker[ExpiredHold]:
    """Expiry of unverified holds and unaccepted offers on the kit's worker, leased."""
    job = HoldExpiry(uow, links)
    return Worker(job, db=db, service="forum", batch_size=batch_size, sweep_interval_s=sweep_interval_s,
                  lease=job, lease_s=lease_s)
