"""The inbox's use cases: list, count, mark one or all read (each wakes the person's live pages)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from kit.db.types import utcnow
from kit.errors import NotFound
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.notify.inbox import repository
from services.notify.inbox.live import InboxEvents
from services.notify.models import Notification


@dataclass(frozen=True)
class InboxPage:
    items: list[Notification]
    total: int
    unread: int


async def list_inbox(*, uow: UnitOfWorkFactory, recipient: str, limit: int = 50, offset: int = 0) -> InboxPage:
    async with uow.read() as session:
        items = await repository.inbox_page(session, recipient, limit=limit, offset=offset)
        total, unread = await repository.inbox_counts(session, recipient)
    return InboxPage(items, total, unread)


async def counts(*, uow: UnitOfWorkFactory, recipient: str) -> tuple[int, int]:
    async with uow.read() as session:
        return await repository.inbox_counts(session, recipient)


async def mark_read(*, uow: UnitOfWorkFactory, live: InboxEvents, recipient: str,
                    notification_id: UUID) -> Notification:
    async with uow() as tx:
        notification = await repository.get_notification(tx.session, notification_id)
        # Someone else's notification is as invisible as a missing one.
        if notification is None or notification.recipient != recipient:
            raise NotFound(ja="お知らせが見つかりません。", en="Notification not found.")
        if notification.read_at is None:
            notification.read_at = utcnow()
        await tx.commit()
    live.changed(recipient)
    return notification


async def mark_all_read(*, uow: UnitOfWorkFactory, live: InboxEvents, recipient: str) -> int:
    async with uow() as tx:
        changed = await repository.mark_all_read(tx.session, recipient)
        await tx.commit()
    live.changed(recipient)
    return changed
