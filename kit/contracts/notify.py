"""Events notify publishes about deliveries (`notify.*.v1`), so other services and the
console can react to a message that could not be delivered."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from kit.contracts.base import EventContract


class DeliveryFailed(EventContract):
    event_type = "notify.delivery.failed"
    description = ("A delivery gave up for good (tries exhausted, a permanent refusal, or a hard bounce); "
                   "the address itself is never carried, only its SHA-256.")
    delivery_id: UUID
    channel: str  # email | webhook
    template: str
    source_event_id: UUID | None = None
    recipient_hash: str
    state: str  # failed | bounced
    reason: str
    attempts: int
    at: datetime


class AddressSuppressed(EventContract):
    event_type = "notify.address.suppressed"
    description = "An email address hard-bounced: nothing more is sent to it until an operator lifts it."
    address_hash: str
    delivery_id: UUID | None = None
    reason: str
    at: datetime



class DeliverySent(EventContract):
    event_type = "notify.delivery.sent"
    description = "A message left: an email accepted by the SMTP server, or a webhook answered 2xx."
    delivery_id: UUID
    channel: str  # email | webhook
    template: str
    source_event_id: UUID | None = None
    attempts: int
    at: datetime


class DeliveryDeferred(EventContract):
    event_type = "notify.delivery.deferred"
    description = ("A message was held back: the person's quiet hours, their digest, or a temporary failure "
                   "to retry; `until` is when it is tried next.")
    delivery_id: UUID
    channel: str
    template: str
    source_event_id: UUID | None = None
    reason: str  # quiet_hours | digest | retry
    until: datetime | None = None
    at: datetime
