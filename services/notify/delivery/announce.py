"""What notify tells the platform about its deliveries: an email or webhook that left
(`notify.delivery.sent.v1`) and one held back (`notify.delivery.deferred.v1`: quiet hours, the
daily digest, or a retry). Each is emitted in the transaction that writes the delivery's state.
(Giving up, `notify.delivery.failed.v1`, is told where each sender decides it.)

In-app inbox items are not told: they are written in the transaction that decides them, never
leave notify and never wait, so "sent" would only repeat the event that caused them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.contracts.notify import DeliveryDeferred, DeliverySent
from kit.messaging.outbox import OutboxWriter
from kit.worker import Outcome
from services.notify.domain.kinds import Channel

Emit = Callable[[EventContract], object]
DeferReason = Literal["quiet_hours", "digest", "retry"]


def tried(*, delivery_id: UUID, channel: Channel, template: str, source_event_id: UUID | None, outcome: Outcome,
          at: datetime) -> EventContract | None:
    """A try's outcome, if it is sent or to be retried (None once it gave up: the sender tells that)."""
    if outcome.done:
        return DeliverySent(delivery_id=delivery_id, channel=channel, template=template,
                            source_event_id=source_event_id, attempts=outcome.attempts, at=at)
    if outcome.given_up:
        return None
    return deferred(delivery_id=delivery_id, channel=channel, template=template, source_event_id=source_event_id,
                    reason="retry", until=outcome.retry_at, at=at)


def deferred(*, delivery_id: UUID, channel: Channel, template: str, source_event_id: UUID | None,
             reason: DeferReason, until: datetime | None, at: datetime) -> DeliveryDeferred:
    return DeliveryDeferred(delivery_id=delivery_id, channel=channel, template=template,
                            source_event_id=source_event_id, reason=reason, until=until, at=at)


async def write(session: AsyncSession, outbox: OutboxWriter, events: Sequence[EventContract]) -> None:
    """A worker's events into the outbox, in its settling transaction (workers have no unit of work)."""
    await outbox.write(session, [outbox.envelope(event) for event in events])
