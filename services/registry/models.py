"""registry's tables: members, their history, the people who act for them, and what operators did."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, false, text
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
    directory_opt_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    activity_tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Ids of existing members with a similar name, flagged to the reviewer at submission.
    similar_to: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
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


class EmailToken(Base):
    """A single-use emailed link (invitation, sign-in, password setting); only its hash is kept."""

    __tablename__ = "email_tokens"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # invite | login | password
    email: Mapped[str] = mapped_column(String(320), index=True)
    member_id: Mapped[UUID | None] = mapped_column(ForeignKey("members.id"))
    role: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[UUID | None]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuditEntry(Base):
    """What an operator did, to what, when; appended in the same transaction as the act."""

    __tablename__ = "audit_log"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    actor_id: Mapped[UUID | None]
    actor_email: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(index=True)


class SmallBase(Base):
    """小さな拠点: a hub of daily-life services, registered by a municipality or RMO member."""

    __tablename__ = "small_bases"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    member_id: Mapped[UUID] = mapped_column(ForeignKey("members.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str] = mapped_column(String(6))
    prefecture_code: Mapped[str] = mapped_column(String(2), index=True)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    operator_member_id: Mapped[UUID | None] = mapped_column(ForeignKey("members.id"))
    opened_on: Mapped[date | None]
    created_at: Mapped[datetime]
