"""notify's tables: the in-app inbox, the email deliveries, and each delivery's log of tries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kit.db.types import ServiceBase, service_metadata
from kit.messaging.tables import messaging_tables


class DeliveryState(StrEnum):
    """Where an email delivery stands; the API filters and shows the same values."""

    pending = "pending"
    sent = "sent"
    failed = "failed"


PENDING, SENT, FAILED = DeliveryState.pending, DeliveryState.sent, DeliveryState.failed


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


class EmailDelivery(Base):
    """An email to send: a row per message, claimed by one mailer, so it is sent once even
    with several replicas and across restarts. Its id is the idempotency key (Message-ID)."""

    __tablename__ = "email_deliveries"
    __table_args__ = (Index("ix_email_deliveries_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    notification_id: Mapped[UUID] = mapped_column(ForeignKey("notifications.id"))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    traceparent: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class DeliveryAttempt(Base):
    """One try of one delivery: when, how it went, and when the next one is due."""

    __tablename__ = "delivery_attempts"

    delivery_id: Mapped[UUID] = mapped_column(ForeignKey("email_deliveries.id"), primary_key=True)
    attempt: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))  # sent, retry, failed
    error: Mapped[str | None] = mapped_column(Text)
    retry_at: Mapped[datetime | None]
