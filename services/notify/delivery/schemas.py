"""The delivery log's API shapes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.notify.domain.kinds import Channel, DeliveryState


class DeliveryAttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt: int
    at: datetime
    outcome: str
    error: str | None
    retry_at: datetime | None


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    channel: Channel
    template: str
    category: str
    critical: bool
    source_event_id: UUID | None
    recipient: str = Field(description="The address (or webhook endpoint id); empty once the person is erased.")
    recipient_hash: str
    locale: str
    subject: str
    state: DeliveryState
    reason: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime
    lease_until: datetime | None
    sent_at: datetime | None
    resend_of: UUID | None


class DeliveryLog(DeliveryRead):
    log: list[DeliveryAttemptRead]


class SuppressionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    address_hash: str
    address: str
    reason: str
    delivery_id: UUID | None
    created_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None
