"""notify's use cases for the in-app inbox."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select

from kit.db.types import utcnow
from kit.db.uow import UnitOfWorkFactory
from kit.errors import NotFound
from services.notify.models import Notification


async def list_inbox(*, uow: UnitOfWorkFactory, recipient: str, limit: int = 50) -> tuple[list[Notification], int]:
    async with uow.read() as session:
        items = (await session.scalars(
            select(Notification).where(Notification.recipient == recipient)
            .order_by(Notification.created_at.desc()).limit(limit)
        )).all()
        unread = await session.scalar(
            select(func.count()).where(Notification.recipient == recipient, Notification.read_at.is_(None))
        )
    return list(items), int(unread or 0)


async def mark_read(*, uow: UnitOfWorkFactory, recipient: str, notification_id: UUID) -> Notification:
    async with uow() as tx:
        notification = await tx.session.get(Notification, notification_id)
        # Someone else's notification is as invisible as a missing one.
        if notification is None or notification.recipient != recipient:
            raise NotFound()
        if notification.read_at is None:
            notification.read_at = utcnow()
        await tx.commit()
    return notification
