"""forum's tables: events (block forums, the national forum, café dates) and their series,
programme and booths; signups with their seats and waitlist; lotteries; scheduled jobs
(reminders, draws, hold expiry); networking meetings; and forum's copy of the members."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kit.db.types import ServiceBase, service_metadata
from kit.members import MemberCopy
from kit.messaging.tables import messaging_tables


class Base(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


MESSAGING = messaging_tables(Base.metadata)


class Member(MemberCopy, Base):
    """forum's own copy of a registry member, kept from `registry.member.*` events."""


class Series(Base):
    """A recurring café: its dates follow an RFC 5545 RRULE; each date is an `Event` of its own,
    so one date can be moved or cancelled alone."""

    __tablename__ = "series"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    rrule: Mapped[str] = mapped_column(String(500))
    first_starts_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    capacity: Mapped[int]
    mode: Mapped[str] = mapped_column(String(16))
    join_url: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Event(Base):
    """One gathering people sign up for. `confirmed`, `held` and `waitlisted` are the seat
    counters every decision updates in one conditional statement, so capacity is never
    exceeded at any concurrency (see kit/capacity.py)."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_status_starts_at", "status", "starts_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    series_id: Mapped[UUID | None] = mapped_column(ForeignKey("series.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # block_forum | national_forum | cafe
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    block: Mapped[str | None] = mapped_column(String(32))  # 北海道・東北, 北陸・東海, 中国・四国
    venue: Mapped[str | None] = mapped_column(String(300))
    online: Mapped[bool] = mapped_column(default=False)
    join_url: Mapped[str | None] = mapped_column(String(2000))
    join_opens_minutes: Mapped[int] = mapped_column(default=15)  # the join URL shows this long before the start
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    reserved: Mapped[int] = mapped_column(default=0)  # seats kept back from public signup
    per_org_cap: Mapped[int | None]
    confirmed: Mapped[int] = mapped_column(default=0)
    held: Mapped[int] = mapped_column(default=0)  # seats held for people verifying their address
    waitlisted: Mapped[int] = mapped_column(default=0)
    waitlist_seq: Mapped[int] = mapped_column(default=0)  # the last waitlist ticket handed out
    mode: Mapped[str] = mapped_column(String(16), default="first_come")  # first_come | lottery | hybrid
    first_come_seats: Mapped[int | None]  # hybrid: this many first come, the rest drawn
    lottery_closes_at: Mapped[datetime | None]
    hold_hours: Mapped[float | None]  # None: no double opt-in hold (the API defaults to 24)
    offer_hours: Mapped[float | None]  # None: the promoted are confirmed outright
    reconfirm_hours: Mapped[float | None]  # in-person forums: ask attendees to reconfirm this long before
    networking_starts_at: Mapped[datetime | None]
    networking_ends_at: Mapped[datetime | None]
    slot_minutes: Mapped[int] = mapped_column(default=15)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published | cancelled
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: grows on every move
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProgrammeItem(Base):
    """A talk or a case presentation in a forum's programme."""

    __tablename__ = "programme_items"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # talk | case
    title: Mapped[str] = mapped_column(String(200))
    speakers: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {name, affiliation}
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int | None]


class Signup(Base):
    """One person's place at one event: confirmed, held (verifying), waitlisted, offered a
    promoted seat, entered in a lottery, not selected, or cancelled. The same address at the
    same event is one signup (unique), never a second seat."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("event_id", "email", name="uq_signups_event_id_email"),
        UniqueConstraint("checkin_code", name="uq_signups_checkin_code"),
        Index("ix_signups_event_id_status_waitlist_ticket", "event_id", "status", "waitlist_ticket"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(100), default="")
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    prefecture_code: Mapped[str | None] = mapped_column(String(2))
    member_id: Mapped[UUID | None] = mapped_column(index=True)
    locale: Mapped[str] = mapped_column(String(2), default="ja")
    status: Mapped[str] = mapped_column(String(24))
    waitlist_ticket: Mapped[int | None]  # order in the waitlist (the event's waitlist_seq when decided)
    waitlist_group: Mapped[UUID | None] = mapped_column(index=True)  # one entry covering several café dates
    consent_version: Mapped[str] = mapped_column(String(32))
    consent_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    hold_expires_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    reconfirmed_at: Mapped[datetime | None]
    checkin_code: Mapped[str] = mapped_column(String(16))
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class Lottery(Base):
    """A draw's audit record: the seed's hash is published when the lottery opens, the seed
    itself when it is drawn; anyone can re-run the algorithm on the entrant list."""

    __tablename__ = "lotteries"

    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"), primary_key=True)
    seed_hash: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(64))  # revealed at the draw
    algorithm: Mapped[str] = mapped_column(String(200))
    committed_at: Mapped[datetime]
    drawn_at: Mapped[datetime | None]
    entrants: Mapped[str | None] = mapped_column(Text)  # JSON: the ordered list drawn from
    winners: Mapped[str | None] = mapped_column(Text)  # JSON: the ordered result


class ScheduledJob(Base):
    """Work due at a time: reminders, reconfirmation requests and deadlines, lottery draws,
    hold expiry. One row per (event, kind), claimed by the kit's worker, so it fires once
    across restarts and replicas."""

    __tablename__ = "scheduled_jobs"
    __table_args__ = (UniqueConstraint("event_id", "kind", name="uq_scheduled_jobs_event_id_kind"),
                      Index("ix_scheduled_jobs_done_at_due_at", "done_at", "due_at"))

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    traceparent: Mapped[str | None] = mapped_column(String(64))


class Booth(Base):
    """An intermediary organization's booth at a block forum: applied, approved or rejected."""

    __tablename__ = "booths"
    __table_args__ = (UniqueConstraint("event_id", "member_id", name="uq_booths_event_id_member_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"))
    member_id: Mapped[UUID]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class Meeting(Base):
    """A short talk between two organizations at a block forum, booked into one slot of the
    networking hours. The unique constraints keep either side from being double-booked."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("event_id", "slot_starts_at", "requester_member_id", name="uq_meetings_requester_slot"),
        UniqueConstraint("event_id", "slot_starts_at", "invitee_member_id", name="uq_meetings_invitee_slot"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id"), index=True)
    requester_member_id: Mapped[UUID]
    invitee_member_id: Mapped[UUID]
    requester_signup_id: Mapped[UUID]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # requested | booked | declined | cancelled
    slot_starts_at: Mapped[datetime | None]  # set when booked; NULLs never collide in the constraints
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
