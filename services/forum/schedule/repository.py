"""Scheduled jobs' and the scheduled work's queries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import ScheduledJob, Signup
from services.forum.schedule.domain.plan import JobKind
from services.forum.signups.domain.rules import SignupStatus


async def jobs_of(session: AsyncSession, event_id: UUID) -> list[ScheduledJob]:
    return list((await session.scalars(select(ScheduledJob).where(ScheduledJob.event_id == event_id))).all())


async def fired_at(session: AsyncSession, event_id: UUID, kind: JobKind) -> datetime | None:
    return await session.scalar(select(ScheduledJob.done_at).where(ScheduledJob.event_id == event_id,
                                                                   ScheduledJob.kind == kind))


async def confirmed(session: AsyncSession, event_id: UUID, *, unreconfirmed: bool = False,
                    untouched_since: datetime | None = None) -> list[Signup]:
    """An event's confirmed signups, oldest first; `unreconfirmed`: only those who have not
    reconfirmed; `untouched_since`: only those unchanged since then (locked on PostgreSQL)."""
    query = (select(Signup).where(Signup.event_id == event_id, Signup.status == SignupStatus.confirmed)
             .order_by(Signup.created_at, Signup.id))
    if unreconfirmed:
        query = query.where(Signup.reconfirmed_at.is_(None))
    if untouched_since is not None:
        query = query.where(Signup.updated_at <= untouched_since).with_for_update()
    return list((await session.scalars(query)).all())


async def locked_signup(session: AsyncSession, signup_id: UUID) -> Signup | None:
    """A signup read afresh, locked against another replica's change until commit (PostgreSQL)."""
    return await session.get(Signup, signup_id, with_for_update=True, populate_existing=True)
