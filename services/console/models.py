"""The console's read models: projections of every service's events, and nothing else.

Each fact is kept with the time it became true, so every figure can be asked "as of" a past
date: a thing's state on a day is its latest dated row at or before that day's end (JST).
The console owns these tables and rebuilds them from the streams (`kakawari console rebuild`);
it never reads another service's database. `checkpoints` records, per consumer, the stream
sequence it has applied.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kit.db.types import ServiceBase, service_metadata
from kit.messaging.tables import messaging_tables


class Base(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


MESSAGING = messaging_tables(Base.metadata)


# -- the network (registry.*) --------------------------------------------------------------------------
class Member(Base):
    """A member organisation as last named: kind and home place (prefecture, block, municipality)."""

    __tablename__ = "members"
    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    prefecture_code: Mapped[str | None] = mapped_column(String(2))
    municipality_code: Mapped[str | None] = mapped_column(String(6))


class MemberState(Base):
    """A membership reached `status` at `at` (submitted, returned, approved, active, suspended, …)."""

    __tablename__ = "member_states"
    __table_args__ = (Index("ix_member_states_member_at", "member_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[UUID]
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]


class SmallBase(Base):
    """A 小さな拠点 registered on the platform."""

    __tablename__ = "small_bases"
    id: Mapped[UUID] = mapped_column(primary_key=True)
    member_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str] = mapped_column(String(6))
    prefecture_code: Mapped[str] = mapped_column(String(2))
    opened_on: Mapped[date | None]
    registered_at: Mapped[datetime]


# -- gatherings (forum.*) --------------------------------------------------------------------------------
class Gathering(Base):
    """A forum or café date as last published; `cancelled_at` once cancelled."""

    __tablename__ = "gatherings"
    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # block_forum | national_forum | cafe
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    online: Mapped[bool]
    venue: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime]
    facts_at: Mapped[datetime]  # when the facts above were published: an older event never overwrites them
    cancelled_at: Mapped[datetime | None]


class SignupState(Base):
    """A signup reached `status` at `at`: requested, confirmed, waitlisted, offered, cancelled, checked_in."""

    __tablename__ = "signup_states"
    __table_args__ = (Index("ix_signup_states_signup_at", "signup_id", "at"),
                      Index("ix_signup_states_event", "event_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signup_id: Mapped[UUID]
    event_id: Mapped[UUID]
    status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime]


# -- programs and relations (matching.*) ----------------------------------------------------------------
class Program(Base):
    """A program as last published; `closed_at` once closed."""

    __tablename__ = "programs"
    id: Mapped[UUID] = mapped_column(primary_key=True)
    member_id: Mapped[UUID]
    title: Mapped[str] = mapped_column(String(300))
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    municipality: Mapped[str] = mapped_column(String(100))
    prefecture_code: Mapped[str] = mapped_column(String(2))
    capacity: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    published_at: Mapped[datetime]
    facts_at: Mapped[datetime]  # when the facts above were published: an older event never overwrites them
    closed_at: Mapped[datetime | None]


class Participation(Base):
    """One participation (延べ): a person took part in a municipality's program on a day (JST)."""

    __tablename__ = "participations"
    __table_args__ = (Index("ix_participations_municipality_day", "municipality_code", "day"),)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    helper_id: Mapped[UUID]
    municipality_code: Mapped[str] = mapped_column(String(6))
    municipality: Mapped[str] = mapped_column(String(100))
    prefecture_code: Mapped[str] = mapped_column(String(2))
    day: Mapped[date]  # the day taken part, JST
    source: Mapped[str] = mapped_column(String(16))
    program_id: Mapped[UUID | None]


class RelationStage(Base):
    """A person's relation to a municipality reached `stage` (collect | deepen | connect) on `as_of`."""

    __tablename__ = "relation_stages"
    __table_args__ = (Index("ix_relation_stages_pair", "helper_id", "municipality_code", "as_of"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    helper_id: Mapped[UUID]
    municipality_code: Mapped[str] = mapped_column(String(6))
    municipality: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[date]


# -- notifications (notify.*) ---------------------------------------------------------------------------
class DeliveryState(Base):
    """A delivery reached `state` (sent | deferred | failed | bounced) at `at`; `trace_id` links the trace."""

    __tablename__ = "delivery_states"
    __table_args__ = (Index("ix_delivery_states_delivery_at", "delivery_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[UUID]
    channel: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime]
    trace_id: Mapped[str | None] = mapped_column(String(32))


class Suppression(Base):
    """An address (by its SHA-256) that hard-bounced: nothing more is sent to it."""

    __tablename__ = "suppressions"
    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime]
    trace_id: Mapped[str | None] = mapped_column(String(32))


# -- where each consumer is in its stream -----------------------------------------------------------------
class Checkpoint(Base):
    """The highest stream sequence applied for one event type (the console has one consumer per type),
    and how many events of it were applied."""

    __tablename__ = "checkpoints"
    event_type: Mapped[str] = mapped_column(String(120), primary_key=True)
    producer: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(BigInteger)
    applied: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


# What `kakawari console rebuild` empties and fills again, children first.
PROJECTIONS = (MemberState, Member, SmallBase, SignupState, Gathering, Participation, RelationStage, Program,
               DeliveryState, Suppression, Checkpoint)
