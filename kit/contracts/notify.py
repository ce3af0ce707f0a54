"""Events notify publishes (`notify.message.*.v1`)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from kit.contracts.base import EventContract


class MessageDelivered(EventContract):
    event_type = "notify.message.delivered"
    description = "A notification was delivered on one channel (email, inbox or webhook)."
    message_id: UUID
    source_event_id: UUID
    channel: str
    recipient: str
    at: datetime
