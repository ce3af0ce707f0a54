"""Scheduled work's use cases: plan an event's jobs (called whenever an event is created,
published, changed or cancelled, inside that unit of work; the rule is domain/plan.py), and an
attendee's reconfirmation."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from kit.errors import Conflict, NotFound
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from services.forum.links import SignupLinks
from services.forum.models import Event, ScheduledJob, Signup
from services.forum.schedule import repository
from services.forum.schedule.domain.plan import EventTimes, JobKind, JobState, changes
from services.forum.signups import repository as signups
from services.forum.signups.domain.rules import SignupStatus
from services.forum.signups.service import signup_from_token


def times(event: Event) -> EventTimes:
    return EventTimes(status=event.status, starts_at=event.starts_at, online=event.online, mode=event.mode,
                      lottery_closes_at=event.lottery_closes_at, reconfirm_hours=event.reconfirm_hours)


async def plan(session: AsyncSession, event: Event) -> None:
    """(Re)plan the event's jobs in the caller's transaction: add, move, re-arm or drop rows."""
    await session.flush()  # the event row first: the jobs refer to it
    rows = {JobKind(job.kind): job for job in await repository.jobs_of(session, event.id)}
    found = {kind: JobState(job.due_at, job.done_at, job.attempts) for kind, job in rows.items()}
    todo = changes(times(event), found, utcnow())
    if not todo:
        return
    carrier: dict[str, str] = {}
    MESSAGE_PROPAGATOR.inject(carrier)  # the job's work continues the trace of the change that planned it
    traceparent = carrier.get("traceparent")
    for kind, due_at in todo.items():
        job = rows.get(kind)
        if due_at is None:
            if job is not None:
                await session.delete(job)
        elif job is None:
            session.add(ScheduledJob(id=new_event_id(), event_id=event.id, kind=kind, due_at=due_at, done_at=None,
                                     attempts=0, last_error=None, traceparent=traceparent))
        else:
            job.due_at, job.done_at, job.attempts, job.last_error = due_at, None, 0, None
            job.traceparent = traceparent
    await session.flush()


async def reconfirm(*, uow: UnitOfWorkFactory, links: SignupLinks, token: str) -> Signup:
    """An attendee confirms they are still coming (idempotent: the first time is kept)."""
    signup_id = signup_from_token(links, token)
    async with uow() as tx:
        signup = await signups.get(tx.session, signup_id)
        if signup is None:
            raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
        if signup.status != SignupStatus.confirmed:
            raise Conflict(ja="参加が確定している申込みだけが再確認できます。",
                           en="Only a confirmed signup can be reconfirmed.")
        if signup.reconfirmed_at is None:
            signup.reconfirmed_at = signup.updated_at = utcnow()
        await tx.commit()
    return signup
