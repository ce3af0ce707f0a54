"""registry's tables: members, their history, and the people who act for them."""

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


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        Index("ix_members_status_submitted", "status", "submitted_at"),
        Index("ix_members_lg_code", "local_government_code"),
        Index("ix_members_corporate_number", "corporate_number"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    legal_form: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str | None] = mapped_column(String(200))
    local_government_code: Mapped[str | None] = mapped_column(String(6))
    corporate_number: Mapped[str | None] = mapped_column(String(13))
    prefecture_code: Mapped[str | None] = mapped_column(String(2))
    block: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_email: Mapped[str] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(2), default="ja")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class MemberHistory(Base):
    """Every transition: who, when, why. Never updated, only appended."""

    __tablename__ = "member_history"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    member_id: Mapped[UUID] = mapped_column(ForeignKey("members.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[UUID | None]
    actor_email: Mapped[str | None] = mapped_column(String(320))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class User(Base):
    """A person who signs in: an operator (事務局) or a member's admin or staff."""

    __tablename__ = "users"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[UUID | None] = mapped_column(ForeignKey("members.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
