"""The inbox's queries, paged and counted in SQL."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from services.notify.models import Notification


async def inbox_page(session: AsyncSession, recipient: str, *, limit: int, offset: int) -> list[Notification]:
    query = (select(Notification).where(Notification.recipient == recipient)
             .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit).offset(offset))
    return list((await session.scalars(query)).all())


async def inbox_counts(session: AsyncSession, recipient: str) -> tuple[int, int]:
    """(total, unread) for one person's inbox."""
    total, unread = (await session.execute(
        select(func.count(), func.count().filter(Notification.read_at.is_(None)))
        .where(Notification.recipient == recipient)
    )).one()
    return int(total), int(unread)


async def get_notification(session: AsyncSession, notification_id: UUID) -> Notification | None:
    return await session.get(Notification, notification_id)


async def mark_all_read(session: AsyncSession, recipient: str) -> int:
    result = await session.execute(
        update(Notification).where(Notification.recipient == recipient, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
