"""Events' queries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Event


async def get(session: AsyncSession, event_id: UUID) -> Event | None:
    return await session.get(Event, event_id)


async def listed(session: AsyncSession, *, kind: str | None, block: str | None, start: datetime | None,
                 end: datetime | None, statuses: tuple[str, ...], limit: int, offset: int) -> list[Event]:
    query = select(Event).where(Event.status.in_(statuses)).order_by(Event.starts_at, Event.id)
    if kind:
        query = query.where(Event.kind == kind)
    if block:
        query = query.where(Event.block == block)
    if start:
        query = query.where(Event.starts_at >= start)
    if end:
        query = query.where(Event.starts_at < end)
    return list((await session.scalars(query.limit(limit).offset(offset))).all())
