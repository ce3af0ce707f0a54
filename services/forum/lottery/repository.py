"""The lottery's queries."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Event, Lottery, Signup
from services.forum.signups.domain.rules import SignupStatus


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def lottery(session: AsyncSession, event_id: UUID, *, lock: bool = False) -> Lottery | None:
    """The audit record; `lock`: held until the draw commits, so a second drawer (another
    replica, the operator's button) waits and then sees it drawn."""
    query = select(Lottery).where(Lottery.event_id == event_id).execution_options(populate_existing=True)
    if lock and _postgres(session):
        query = query.with_for_update()
    return await session.scalar(query)


async def event(session: AsyncSession, event_id: UUID, *, lock: bool = False) -> Event | None:
    """The event; `lock` keeps a first-come signup from taking a seat while the free seats are
    being counted and handed out (on SQLite the single writer already does)."""
    query = select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    if lock and _postgres(session):
        query = query.with_for_update()
    return await session.scalar(query)


async def entrants(session: AsyncSession, event_id: UUID) -> list[Signup]:
    """Everyone still in the draw, in the order they entered: the published list."""
    query = (select(Signup).where(Signup.event_id == event_id, Signup.status == SignupStatus.lottery_entered)
             .order_by(Signup.created_at, Signup.id))
    return list((await session.scalars(query)).all())
