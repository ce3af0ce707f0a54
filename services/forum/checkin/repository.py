"""Check-in's queries: the code's signup, the one conditional update that checks in, and counts."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Event, Signup

CONFIRMED = "confirmed"


async def event(session: AsyncSession, event_id: UUID) -> Event | None:
    return await session.get(Event, event_id)


async def by_code(session: AsyncSession, code: str) -> Signup | None:
    return await session.scalar(select(Signup).where(Signup.checkin_code == code))


async def mark(session: AsyncSession, signup_id: UUID, at: datetime) -> bool:
    """Check in a confirmed signup not checked in yet. One conditional statement, so two desks
    scanning the same code at once check it in once: the second finds nothing to update."""
    result = await session.execute(
        update(Signup).where(Signup.id == signup_id, Signup.status == CONFIRMED, Signup.checked_in_at.is_(None))
        .values(checked_in_at=at, updated_at=at).execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def counts(session: AsyncSession, event_id: UUID) -> tuple[int, int]:
    """(confirmed, of whom checked in) for one event."""
    confirmed, checked_in = (await session.execute(
        select(func.count(), func.count(Signup.checked_in_at))
        .where(Signup.event_id == event_id, Signup.status == CONFIRMED))).one()
    return int(confirmed), int(checked_in)


async def by_prefecture(session: AsyncSession, event_id: UUID) -> list[tuple[str | None, int, int]]:
    """(prefecture code, confirmed, checked in) per prefecture, in code order (unknown last)."""
    rows = (await session.execute(
        select(Signup.prefecture_code, func.count(), func.count(Signup.checked_in_at))
        .where(Signup.event_id == event_id, Signup.status == CONFIRMED)
        .group_by(Signup.prefecture_code))).all()
    found = [(code, int(confirmed), int(checked_in)) for code, confirmed, checked_in in rows]
    return sorted(found, key=lambda row: (row[0] is None, row[0] or ""))
