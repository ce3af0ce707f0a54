"""notify's tables: the in-app inbox and the email deliveries waiting to go out."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kit.db.types import ServiceBase, service_metadata
from kit.messaging.tables import messaging_tables


class Base(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


MESSAGING = messaging_tables(Base.metadata)


class Notification(Base):
    """One message to one person, shown in their in-app inbox."""

    __tablename__ = "notifications"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    locale: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    source_event_id: Mapped[UUID]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class EmailDelivery(Base):
    """An email to send; a row per message so it is sent once, even across restarts."""

    __tablename__ = "email_deliveries"
    __table_args__ = (Index("ix_email_deliveries_state_id", "state", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    notification_id: Mapped[UUID] = mapped_column(ForeignKey("notifications.id"))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    traceparent: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
