"""Webhooks' API shapes. A secret appears only in the answers that create it (register, rotate)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kit.contracts.base import DEFAULT_LOCALE, Locale
from services.notify.webhooks.domain.event_types import MAX_EVENT_TYPES
from services.notify.webhooks.domain.guard import MAX_URL

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
EventTypes = list[str]


class WebhookEndpointCreate(BaseModel):
    model_config = STRICT

    url: str = Field(min_length=1, max_length=MAX_URL, description="HTTPS only; no private or loopback addresses "
                                                                    "outside development.",
                     examples=["https://example.jp/kakawari/webhooks"])
    description: str = Field(default="", max_length=200)
    event_types: EventTypes = Field(min_length=1, max_length=MAX_EVENT_TYPES,
                                    description="Versioned names from `GET /webhook-event-types`.",
                                    examples=[["registry.member.approved.v1"]])
    locale: Locale = Field(default=DEFAULT_LOCALE, description="The language the admin is told in if the "
                                                                "endpoint is ever disabled.")


class WebhookEndpointUpdate(BaseModel):
    """Only the fields given change."""

    model_config = STRICT

    url: str | None = Field(default=None, min_length=1, max_length=MAX_URL)
    description: str | None = Field(default=None, max_length=200)
    event_types: EventTypes | None = Field(default=None, min_length=1, max_length=MAX_EVENT_TYPES)
    enabled: bool | None = None


class WebhookDeliveryRead(BaseModel):
    id: UUID = Field(description="Also the `webhook-id` header: the same on every try.")
    event_type: str
    state: str = Field(description="queued, sending, sent, deferred (waiting for a retry), failed, suppressed.")
    attempts: int
    reason: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None


class WebhookEndpointRead(BaseModel):
    id: UUID
    member_id: UUID
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    rotating_until: datetime | None = Field(description="While set, the previous secret signs too, until then.")
    created_at: datetime
    updated_at: datetime


class WebhookEndpointDetail(WebhookEndpointRead):
    recent_deliveries: list[WebhookDeliveryRead] = Field(description="The newest first.")


class WebhookEndpointPage(BaseModel):
    items: list[WebhookEndpointDetail]


class WebhookSecretRead(BaseModel):
    secret: str = Field(description="`whsec_` and base64; shown only now.")
    previous_secret_until: datetime | None = Field(
        description="After a rotation: the previous secret keeps signing until then.")


class WebhookEndpointCreated(WebhookEndpointRead):
    secret: str = Field(description="`whsec_` and base64; shown only now.")


class WebhookEventTypeRead(BaseModel):
    name: str
    ja: str
    en: str
