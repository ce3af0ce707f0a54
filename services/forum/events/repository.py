"""Events' queries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Event, ProgrammeItem


async def get(session: AsyncSession, event_id: UUID) -> Event | None:
    return await session.get(Event, event_id)


async def listed(session: AsyncSession, *, kind: str | None, block: str | None, start: datetime | None,
                 end: datetime | None, statuses: tuple[str, ...], limit: int, offset: int = 0,
                 over_at: datetime | None = None, over: bool = False) -> list[Event]:
    """Events by kind, block and start. With `over_at`: only those not over by then, soonest
    first, or (`over`) only those over, latest first."""
    query = select(Event).where(Event.status.in_(statuses))
    if over_at is None:
        query = query.order_by(Event.starts_at, Event.id)
    elif over:
        query = query.where(Event.ends_at <= over_at).order_by(Event.starts_at.desc(), Event.id)
    else:
        query = query.where(Event.ends_at > over_at).order_by(Event.starts_at, Event.id)
    if kind:
        query = query.where(Event.kind == kind)
    if block:
        query = query.where(Event.block == block)
    if start:
        query = query.where(Event.starts_at >= start)
    if end:
        query = query.where(Event.starts_at < end)
    return list((await session.scalars(query.limit(limit).offset(offset))).all())


async def programme_of(session: AsyncSession, event_id: UUID) -> list[ProgrammeItem]:
    query = select(ProgrammeItem).where(ProgrammeItem.event_id == event_id).order_by(ProgrammeItem.starts_at,
                                                                                     ProgrammeItem.id)
    return list((await session.scalars(query)).all())
