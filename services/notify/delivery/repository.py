"""The delivery side's queries: what a recipient allows, the log's search, suppressions, erasure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.delivery.domain.keys import address_hash
from services.notify.domain.kinds import Channel
from services.notify.models import (
    Delivery,
    DeliveryAttempt,
    DigestEntry,
    Notification,
    Preference,
    RecipientSettings,
    Suppression,
    WebhookEndpoint,
)


@dataclass(frozen=True)
class RecipientState:
    """What deciding one delivery needs to know of its recipient; defaults when nothing is stored."""

    locale: str | None = None
    quiet_enabled: bool = True
    quiet_start: str | None = None
    quiet_end: str | None = None
    digest_at: str | None = None
    digest_due_at: datetime | None = None
    switches: dict[str, bool] = field(default_factory=dict)  # channel → enabled, for the category asked
    suppressed: bool = False

    def wanted(self, channel: Channel) -> bool:
        return self.switches.get(channel, True)


async def recipient_state(session: AsyncSession, address: str, category: str) -> RecipientState:
    settings = await session.get(RecipientSettings, address)
    rows = await session.execute(select(Preference.channel, Preference.enabled)
                                 .where(Preference.recipient == address, Preference.category == category))
    switches = {channel: enabled for channel, enabled in rows}
    suppression = await session.get(Suppression, address_hash(address))
    suppressed = suppression is not None and suppression.lifted_at is None
    if settings is None:
        return RecipientState(switches=switches, suppressed=suppressed)
    return RecipientState(locale=settings.locale, quiet_enabled=settings.quiet_enabled,
                          quiet_start=settings.quiet_start, quiet_end=settings.quiet_end,
                          digest_at=settings.digest_at, digest_due_at=settings.digest_due_at,
                          switches=switches, suppressed=suppressed)


async def set_digest_due(session: AsyncSession, address: str, due: datetime) -> None:
    await session.execute(update(RecipientSettings).where(RecipientSettings.recipient == address)
                          .values(digest_due_at=due))


async def pending_digest_entries(session: AsyncSession, address: str) -> list[DigestEntry]:
    query = (select(DigestEntry).where(DigestEntry.recipient == address, DigestEntry.digest_id.is_(None))
             .order_by(DigestEntry.created_at, DigestEntry.id))
    return list((await session.scalars(query)).all())


async def get_delivery(session: AsyncSession, delivery_id: UUID) -> Delivery | None:
    return await session.get(Delivery, delivery_id)


async def delivery_attempts(session: AsyncSession, delivery_id: UUID) -> list[DeliveryAttempt]:
    query = select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery_id).order_by(DeliveryAttempt.attempt)
    return list((await session.scalars(query)).all())


async def search_deliveries(session: AsyncSession, *, recipient: str | None, event_id: UUID | None,
                            state: str | None, channel: str | None, template: str | None,
                            limit: int, offset: int) -> list[Delivery]:
    """The log, newest first. A recipient is matched by its hash, so erased rows still answer."""
    query = select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id.desc())
    if recipient:
        query = query.where(Delivery.recipient_hash == address_hash(recipient))
    if event_id is not None:
        query = query.where(or_(Delivery.source_event_id == event_id, Delivery.id == event_id))
    if state:
        query = query.where(Delivery.state == state)
    if channel:
        query = query.where(Delivery.channel == channel)
    if template:
        query = query.where(Delivery.template == template)
    return list((await session.scalars(query.limit(limit).offset(offset))).all())


async def suppressions(session: AsyncSession, *, active_only: bool, limit: int, offset: int) -> list[Suppression]:
    query = select(Suppression).order_by(Suppression.created_at.desc())
    if active_only:
        query = query.where(Suppression.lifted_at.is_(None))
    return list((await session.scalars(query.limit(limit).offset(offset))).all())


async def get_suppression(session: AsyncSession, hashed: str) -> Suppression | None:
    return await session.get(Suppression, hashed)


async def erase_address(session: AsyncSession, address: str, now: datetime) -> int:
    """Blank a person's address wherever notify holds it; the log keeps the hash. Returns the
    number of delivery rows blanked. Anything still waiting to be sent is suppressed."""
    hashed = address_hash(address)
    await session.execute(
        update(Delivery).where(Delivery.recipient_hash == hashed, Delivery.state.in_(("queued", "deferred", "sending")))
        .values(state="suppressed", reason="the person's data was erased", updated_at=now))
    blanked = await session.execute(
        update(Delivery).where(Delivery.recipient_hash == hashed, Delivery.channel != Channel.webhook)
        .values(recipient="", subject="", body_text="", body_html=None, attachments=None, updated_at=now))
    await session.execute(update(Suppression).where(Suppression.address_hash == hashed).values(address=""))
    # Webhook payloads may carry the address (a member's contact): cut it out; endpoints' admins lose it.
    await session.execute(update(Delivery).where(Delivery.channel == Channel.webhook,
                                                 Delivery.body_text.contains(address))
                          .values(body_text=func.replace(Delivery.body_text, address, ""), updated_at=now))
    await session.execute(update(WebhookEndpoint).where(WebhookEndpoint.admin_email == address)
                          .values(admin_email="", updated_at=now))
    await session.execute(update(Notification).where(Notification.recipient == address)
                          .values(recipient=f"erased:{hashed}", subject="", body=""))
    await session.execute(delete(Preference).where(Preference.recipient == address))
    await session.execute(delete(DigestEntry).where(DigestEntry.recipient == address))
    await session.execute(delete(RecipientSettings).where(RecipientSettings.recipient == address))
    return int(blanked.rowcount)  # type: ignore[attr-defined]
