"""Series' and calendars' queries."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Event, Series, Signup


async def series(session: AsyncSession, series_id: UUID) -> Series | None:
    return await session.get(Series, series_id)


async def dates(session: AsyncSession, series_id: UUID, *, statuses: tuple[str, ...]) -> list[Event]:
    return (await dates_of(session, [series_id], statuses=statuses)).get(series_id, [])


async def dates_of(session: AsyncSession, series_ids: list[UUID], *,
                   statuses: tuple[str, ...]) -> dict[UUID, list[Event]]:
    """The dates of several series in one query, by series, in order."""
    query = (select(Event).where(Event.series_id.in_(series_ids), Event.status.in_(statuses))
             .order_by(Event.starts_at, Event.id))
    found: dict[UUID, list[Event]] = {}
    for event in (await session.scalars(query)).all():
        assert event.series_id is not None
        found.setdefault(event.series_id, []).append(event)
    return found


async def listed(session: AsyncSession, *, statuses: tuple[str, ...], limit: int, offset: int) -> list[Series]:
    query = (select(Series).where(Series.status.in_(statuses)).order_by(Series.first_starts_at, Series.id)
             .limit(limit).offset(offset))
    return list((await session.scalars(query)).all())


async def signup_with_event(session: AsyncSession, signup_id: UUID) -> tuple[Signup, Event] | None:
    row = (await session.execute(select(Signup, Event).join(Event, Event.id == Signup.event_id)
                                 .where(Signup.id == signup_id))).first()
    return None if row is None else (row[0], row[1])
