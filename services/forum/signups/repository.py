"""Signups' queries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Event, Lottery, Signup
from services.forum.signups.domain.rules import ACTIVE, SignupStatus


async def event(session: AsyncSession, event_id: UUID) -> Event | None:
    return await session.get(Event, event_id)


async def by_email(session: AsyncSession, event_id: UUID, email: str) -> Signup | None:
    return await session.scalar(select(Signup).where(Signup.event_id == event_id, Signup.email == email))


async def by_emails(session: AsyncSession, event_id: UUID, emails: Collection[str]) -> list[Signup]:
    return list((await session.scalars(select(Signup).where(Signup.event_id == event_id,
                                                            Signup.email.in_(emails)))).all())


async def get(session: AsyncSession, signup_id: UUID) -> Signup | None:
    return await session.get(Signup, signup_id)


async def active_for_org(session: AsyncSession, event_id: UUID, *, member_id: UUID | None, affiliation: str) -> int:
    """How many active signups an organization has (by member, else by the affiliation typed)."""
    query = select(func.count()).select_from(Signup).where(Signup.event_id == event_id, Signup.status.in_(ACTIVE))
    query = query.where(Signup.member_id == member_id) if member_id else query.where(Signup.affiliation == affiliation)
    return int(await session.scalar(query) or 0)


async def first_in_line(session: AsyncSession, event_id: UUID, *, skip_locked: bool) -> Signup | None:
    """The waitlisted signup with the lowest ticket (locked against another replica's promotion)."""
    query = (select(Signup).where(Signup.event_id == event_id, Signup.status == SignupStatus.waitlisted)
             .order_by(Signup.waitlist_ticket).limit(1))
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    return await session.scalar(query)


async def waitlist_position(session: AsyncSession, signup: Signup) -> int | None:
    """The 1-based place in line now (tickets of those still waiting ahead, plus one)."""
    if signup.status != SignupStatus.waitlisted or signup.waitlist_ticket is None:
        return None
    ahead = await session.scalar(select(func.count()).select_from(Signup).where(
        Signup.event_id == signup.event_id, Signup.status == SignupStatus.waitlisted,
        Signup.waitlist_ticket < signup.waitlist_ticket))
    return int(ahead or 0) + 1


async def of_event(session: AsyncSession, event_id: UUID, *, limit: int, offset: int) -> list[Signup]:
    query = (select(Signup).where(Signup.event_id == event_id).order_by(Signup.created_at, Signup.id)
             .limit(limit).offset(offset))
    return list((await session.scalars(query)).all())


async def lottery_pending(session: AsyncSession, event_id: UUID) -> bool:
    """The event's lottery exists and has not been drawn."""
    return bool(await session.scalar(select(func.count()).select_from(Lottery).where(
        Lottery.event_id == event_id, Lottery.drawn_at.is_(None))))


async def signups_of(session: AsyncSession, email: str, *, now: datetime, upcoming: bool,
                     limit: int) -> list[tuple[Signup, Event]]:
    """A person's signups (by address) with their events: those not over soonest first, or the
    past ones latest first."""
    query = select(Signup, Event).join(Event, Event.id == Signup.event_id).where(Signup.email == email)
    if upcoming:
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    else:
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id)
    return [(s, e) for s, e in (await session.execute(query.limit(limit))).all()]


async def group_waiting(session: AsyncSession, group: UUID | None, *, besides: UUID) -> list[Signup]:
    """The other dates a multi-date waitlist entry still waits for."""
    query = select(Signup).where(Signup.waitlist_group == group, Signup.id != besides,
                                 Signup.status == SignupStatus.waitlisted)
    return list((await session.scalars(query)).all())
