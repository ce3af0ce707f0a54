"""notify's use cases: the in-app inbox, and the delivery log for operators."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from kit.db.types import utcnow
from kit.errors import NotFound
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.notify import repository
from services.notify.models import DeliveryAttempt, EmailDelivery, Notification


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


async def mark_read(*, uow: UnitOfWorkFactory, recipient: str, notification_id: UUID) -> Notification:
    async with uow() as tx:
        notification = await repository.get_notification(tx.session, notification_id)
        # Someone else's notification is as invisible as a missing one.
        if notification is None or notification.recipient != recipient:
            raise NotFound()
        if notification.read_at is None:
            notification.read_at = utcnow()
        await tx.commit()
    return notification


async def mark_all_read(*, uow: UnitOfWorkFactory, recipient: str) -> int:
    async with uow() as tx:
        changed = await repository.mark_all_read(tx.session, recipient)
        await tx.commit()
    return changed


async def delivery_log(*, uow: UnitOfWorkFactory, viewer: Principal,
                       delivery_id: UUID) -> tuple[EmailDelivery, list[DeliveryAttempt]]:
    """One delivery and every try of it (operators only)."""
    viewer.require_operator()
    async with uow.read() as session:
        delivery = await repository.get_delivery(session, delivery_id)
        if delivery is None:
            raise NotFound(ja="その配信はありません。", en="No such delivery.")
        return delivery, await repository.delivery_attempts(session, delivery_id)


async def list_deliveries(*, uow: UnitOfWorkFactory, viewer: Principal, state: str | None,
                          limit: int, offset: int) -> list[EmailDelivery]:
    viewer.require_operator()
    async with uow.read() as session:
        return await repository.deliveries_page(session, state=state, limit=limit, offset=offset)
