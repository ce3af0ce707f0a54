"""The operators' queries: events with their seat counters, and an event's signups."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Event, Signup

WAITLISTED = "waitlisted"


async def events_since(session: AsyncSession, since: datetime, *, limit: int) -> list[Event]:
    """Events ending after `since` (upcoming, running, and recent), by start, every status."""
    query = select(Event).where(Event.ends_at >= since).order_by(Event.starts_at, Event.id).limit(limit)
    return list((await session.scalars(query)).all())


async def counters(session: AsyncSession, *, since: datetime, event_id: UUID | None, limit: int
                   ) -> list[tuple[UUID, str, int, int, int, int]]:
    """(id, status, capacity, confirmed, held, waitlisted): only the columns a live page needs."""
    query = select(Event.id, Event.status, Event.capacity, Event.confirmed, Event.held, Event.waitlisted)
    query = query.where(Event.id == event_id) if event_id else query.where(Event.ends_at >= since)
    rows = (await session.execute(query.order_by(Event.starts_at, Event.id).limit(limit))).all()
    return [(id, status, capacity, confirmed, held, waitlisted)
            for id, status, capacity, confirmed, held, waitlisted in rows]


async def signups(session: AsyncSession, event_id: UUID, *, limit: int | None = None, offset: int = 0
                  ) -> list[Signup]:
    """An event's signups, oldest first."""
    query = select(Signup).where(Signup.event_id == event_id).order_by(Signup.created_at, Signup.id).offset(offset)
    return list((await session.scalars(query if limit is None else query.limit(limit))).all())


async def signup_count(session: AsyncSession, event_id: UUID) -> int:
    return int(await session.scalar(select(func.count()).select_from(Signup).where(Signup.event_id == event_id)) or 0)


async def waitlist_tickets(session: AsyncSession, event_id: UUID) -> list[tuple[UUID, int]]:
    """(signup id, ticket) of everyone waiting, in line order: a place is its index plus one."""
    rows = await session.execute(select(Signup.id, Signup.waitlist_ticket).where(
        Signup.event_id == event_id, Signup.status == WAITLISTED).order_by(Signup.waitlist_ticket))
    return [(signup_id, int(ticket or 0)) for signup_id, ticket in rows.all()]
