"""The delivery log's use cases, for operators: search, one delivery's tries, resend, suppressions;
and erasure, for the person-erased events."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from kit.errors import Conflict, NotFound
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.notify.delivery import repository
from services.notify.delivery.domain.keys import address_hash
from services.notify.domain.kinds import Channel, DeliveryState
from services.notify.models import Delivery, DeliveryAttempt, Suppression

RESENDABLE = (DeliveryState.sent, DeliveryState.failed, DeliveryState.bounced, DeliveryState.suppressed)


@dataclass(frozen=True)
class LogQuery:
    recipient: str | None = None
    event_id: UUID | None = None
    state: str | None = None
    channel: str | None = None
    template: str | None = None
    limit: int = 50
    offset: int = 0


async def search(*, uow: UnitOfWorkFactory, viewer: Principal, query: LogQuery) -> list[Delivery]:
    viewer.require_operator()
    async with uow.read() as session:
        return await repository.search_deliveries(
            session, recipient=query.recipient, event_id=query.event_id, state=query.state, channel=query.channel,
            template=query.template, limit=query.limit, offset=query.offset)


async def delivery_log(*, uow: UnitOfWorkFactory, viewer: Principal,
                       delivery_id: UUID) -> tuple[Delivery, list[DeliveryAttempt]]:
    """One delivery and every try of it (operators only)."""
    viewer.require_operator()
    async with uow.read() as session:
        delivery = await repository.get_delivery(session, delivery_id)
        if delivery is None:
            raise NotFound(ja="その配信はありません。", en="No such delivery.")
        return delivery, await repository.delivery_attempts(session, delivery_id)


async def resend(*, uow: UnitOfWorkFactory, viewer: Principal, delivery_id: UUID) -> Delivery:
    """Queue the same message again as a new row that points to the old one. The new row has its
    own id, so its Message-ID or webhook-id differs: a resend is deliberate, never a silent twin."""
    viewer.require_operator()
    async with uow() as tx:
        old = await repository.get_delivery(tx.session, delivery_id)
        if old is None:
            raise NotFound(ja="その配信はありません。", en="No such delivery.")
        if old.channel == Channel.inbox:
            raise Conflict(ja="アプリ内のお知らせは再送できません。", en="In-app notifications cannot be resent.")
        if old.state not in RESENDABLE or not old.recipient:
            raise Conflict(ja="この配信は再送できません（送信待ち、または消去済み）。",
                           en="This delivery cannot be resent (still waiting, or erased).")
        if old.channel == Channel.email and await _suppressed(tx.session, old.recipient):
            raise Conflict(ja="宛先が配信停止（ハードバウンス）中です。先に解除してください。",
                           en="The address is suppressed after a hard bounce; lift it first.")
        now = utcnow()
        new_id = new_event_id()
        fresh = Delivery(
            id=new_id, key=f"resend:{new_id}", channel=old.channel, template=old.template, category=old.category,
            critical=old.critical, source_event_id=old.source_event_id, recipient=old.recipient,
            recipient_hash=old.recipient_hash, locale=old.locale, subject=old.subject, body_text=old.body_text,
            body_html=old.body_html, endpoint_id=old.endpoint_id, notification_id=old.notification_id,
            state=DeliveryState.queued, reason=f"resent by {viewer.email}", attempts=0, next_attempt_at=now,
            created_at=now, updated_at=now, resend_of=old.id, traceparent=old.traceparent,
            attachments=old.attachments)
        tx.session.add(fresh)
        await tx.commit()
    return fresh


async def _suppressed(session: AsyncSession, address: str) -> bool:
    found = await repository.get_suppression(session, address_hash(address))
    return found is not None and found.lifted_at is None


async def list_suppressions(*, uow: UnitOfWorkFactory, viewer: Principal, active_only: bool, limit: int,
                            offset: int) -> list[Suppression]:
    viewer.require_operator()
    async with uow.read() as session:
        return await repository.suppressions(session, active_only=active_only, limit=limit, offset=offset)


async def lift_suppression(*, uow: UnitOfWorkFactory, viewer: Principal, address_hash: str) -> Suppression:
    viewer.require_operator()
    async with uow() as tx:
        found = await repository.get_suppression(tx.session, address_hash)
        if found is None:
            raise NotFound(ja="その配信停止はありません。", en="No such suppression.")
        if found.lifted_at is None:
            found.lifted_at, found.lifted_by = utcnow(), viewer.email
        await tx.commit()
    return found
