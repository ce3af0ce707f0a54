"""notify's tables: the inbox, the delivery log, preferences, suppressions, digests, webhooks."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kit.db.types import ServiceBase, service_metadata
from kit.messaging.tables import messaging_tables
from services.notify.domain.kinds import DeliveryState

QUEUED = DeliveryState.queued


class Base(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


MESSAGING = messaging_tables(Base.metadata)


class Notification(Base):
    """One message to one person, shown in their in-app inbox."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_created_at", "recipient", "created_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    locale: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    source_event_id: Mapped[UUID]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class Delivery(Base):
    """The delivery log: one row per (source event, recipient, channel, template), which is its
    idempotency `key`, so a redelivered event never queues a second send. The row is also the
    work item: the mailer and the webhook sender claim due rows with a lease (`sending`
    until `lease_until`), so a crash mid-send is retried with the same id (Message-ID,
    webhook-id). A resend is a new row pointing at the old one."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("key", name="uq_deliveries_key"),
        Index("ix_deliveries_channel_state_next_attempt_at", "channel", "state", "next_attempt_at"),
        Index("ix_deliveries_recipient_hash", "recipient_hash"),
        Index("ix_deliveries_source_event_id", "source_event_id"),
        Index("ix_deliveries_created_at", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    channel: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))
    critical: Mapped[bool] = mapped_column(default=False)
    source_event_id: Mapped[UUID | None]
    recipient: Mapped[str] = mapped_column(String(320))  # an address, or a webhook endpoint's id; blanked on erasure
    recipient_hash: Mapped[str] = mapped_column(String(64))  # kept after erasure
    locale: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    endpoint_id: Mapped[UUID | None]  # webhooks: the member's endpoint; body_text holds the JSON payload
    notification_id: Mapped[UUID | None]
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    reason: Mapped[str | None] = mapped_column(Text)  # why deferred, failed, bounced or suppressed
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    resend_of: Mapped[UUID | None]
    traceparent: Mapped[str | None] = mapped_column(String(64))
    # 添付（招待状 .ics・受付用 QR）：JSON の一覧、data は base64 / email attachments as a JSON list, data in base64
    attachments: Mapped[str | None] = mapped_column(Text)


class DeliveryAttempt(Base):
    """One try of one delivery: when, how it went, and when the next one is due."""

    __tablename__ = "delivery_attempts"

    delivery_id: Mapped[UUID] = mapped_column(ForeignKey("deliveries.id"), primary_key=True)
    attempt: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))  # sent, retry, failed, bounced
    error: Mapped[str | None] = mapped_column(Text)
    retry_at: Mapped[datetime | None]


class Suppression(Base):
    """An address that hard-bounced: nothing is sent to it until an operator lifts it."""

    __tablename__ = "suppressions"

    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(320))  # blanked on erasure
    reason: Mapped[str] = mapped_column(Text)
    delivery_id: Mapped[UUID | None]
    created_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(320))


class RecipientSettings(Base):
    """A person's own settings: language, quiet hours and (operators) the daily digest time.
    No row means the defaults."""

    __tablename__ = "recipient_settings"

    recipient: Mapped[str] = mapped_column(String(320), primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(2))
    quiet_enabled: Mapped[bool] = mapped_column(default=True)
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")  # JST, HH:MM
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    digest_at: Mapped[str | None] = mapped_column(String(5))  # JST HH:MM: new applications once a day
    digest_due_at: Mapped[datetime | None] = mapped_column(index=True)  # when the held entries go out
    updated_at: Mapped[datetime]


class Preference(Base):
    """One switch: may `category` messages reach `recipient` by `channel`? No row means yes."""

    __tablename__ = "preferences"

    recipient: Mapped[str] = mapped_column(String(320), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    enabled: Mapped[bool]
    updated_at: Mapped[datetime]


class DigestEntry(Base):
    """A message held for a recipient's daily digest; `digest_id` is the digest delivery that
    carried it, set in the same transaction that queues that delivery."""

    __tablename__ = "digest_entries"
    __table_args__ = (
        UniqueConstraint("recipient", "source_event_id", "template", name="uq_digest_entries_source"),
        Index("ix_digest_entries_recipient_digest_id", "recipient", "digest_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    source_event_id: Mapped[UUID]
    template: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(2))
    line: Mapped[str] = mapped_column(Text)  # the entry as the digest lists it
    created_at: Mapped[datetime]
    digest_id: Mapped[UUID | None]


class WebhookEndpoint(Base):
    """A member's HTTPS endpoint and the event types it wants. During a rotation both the
    new `secret` and the `previous_secret` sign, until `previous_secret_until`."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    member_id: Mapped[UUID] = mapped_column(index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[str] = mapped_column(Text)  # a JSON list of event types
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None]
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    admin_email: Mapped[str] = mapped_column(String(320))  # who is told when it is disabled
    admin_locale: Mapped[str] = mapped_column(String(2), default="ja")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
