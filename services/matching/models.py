"""matching's tables: programs (with their skills and seat counters), helpers (関係人口: a person's
profile, favourite regions and consent to be scouted), applications, and matching's copy of the
registry's members; plus the kit's outbox and inbox tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kit.db.types import ServiceBase, service_metadata
from kit.members import MemberCopy
from kit.messaging.tables import messaging_tables


class Base(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


MESSAGING = messaging_tables(Base.metadata)


class Member(MemberCopy, Base):
    """matching's own copy of a registry member, kept from `registry.member.*` events."""


class Program(Base):
    """Something to help with in a region, posted by a member (a municipality, an RMO or an
    intermediary) for itself or for a resident host. The place is a municipality of the official
    list, its coordinates copied at posting. `confirmed`, `held`, `waitlisted` and `waitlist_seq`
    are the seat counters the kit's one capacity rule updates (kit/capacity.py)."""

    __tablename__ = "programs"
    __table_args__ = (
        Index("ix_programs_status_starts_on", "status", "starts_on"),
        Index("ix_programs_prefecture_code_status", "prefecture_code", "status"),
        # Covers the recommender's fingerprint of the open catalogue (recommendations/repository.py):
        # an index-only scan instead of reading every program row (12.6 → 2.0 ms at 10,000).
        Index("ix_programs_open_catalogue", "status", "ends_on", "updated_at", "confirmed", "held", "capacity",
              "reserved"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    member_id: Mapped[UUID] = mapped_column(index=True)
    host_name: Mapped[str | None] = mapped_column(String(100))  # a resident host it is posted for
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    municipality: Mapped[str] = mapped_column(String(60))  # full name as listed, e.g. 岐阜県飛騨市
    prefecture_code: Mapped[str] = mapped_column(String(2))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    schedule: Mapped[str] = mapped_column(String(16))  # dates | season
    starts_on: Mapped[date]  # JST calendar days
    ends_on: Mapped[date]
    online: Mapped[bool] = mapped_column(default=False)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # free tags beside the skill vocabulary
    okaeshi: Mapped[str] = mapped_column(Text, default="")  # what helpers get in thanks (オカエシ)
    capacity: Mapped[int]
    reserved: Mapped[int] = mapped_column(default=0)  # places kept back from first-come applications
    confirmed: Mapped[int] = mapped_column(default=0)
    held: Mapped[int] = mapped_column(default=0)  # places held for an offer not yet taken
    waitlisted: Mapped[int] = mapped_column(default=0)
    waitlist_seq: Mapped[int] = mapped_column(default=0)  # the last waitlist ticket handed out
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published | closed | done
    created_by: Mapped[UUID]  # the user who posted it
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]


class ProgramSkill(Base):
    """A skill a program asks for, from the controlled vocabulary: required, or welcome."""

    __tablename__ = "program_skills"
    __table_args__ = (Index("ix_program_skills_skill", "skill"),)

    program_id: Mapped[UUID] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(40), primary_key=True)
    required: Mapped[bool]


class Helper(Base):
    """A person who wants to help (関係人口), keyed by their platform user id. Their address comes
    from the sign-in, never from a form. Personal data follows the APPI: the purpose they agreed
    to and its version are kept; consent to be scouted is timestamped both ways; erasure blanks
    the row (`erased_at`) and keeps only the pseudonymous id, so dated counts stay true."""

    __tablename__ = "helpers"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)  # lower case; None once erased
    name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(2), default="ja")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    home_prefecture_code: Mapped[str | None] = mapped_column(String(2))
    availability: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{starts_on, ends_on}]
    max_travel_km: Mapped[int | None]
    online_ok: Mapped[bool] = mapped_column(default=False)
    scout_consent: Mapped[bool] = mapped_column(default=False)
    scout_consent_at: Mapped[datetime | None]
    scout_withdrawn_at: Mapped[datetime | None]
    purpose_version: Mapped[str] = mapped_column(String(32))  # the purpose of use agreed to (APPI)
    purpose_agreed_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FavouriteRegion(Base):
    """A person's 関係人口 registration with a municipality, like joining its fan club: dated."""

    __tablename__ = "favourite_regions"

    helper_id: Mapped[UUID] = mapped_column(ForeignKey("helpers.id"), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True, index=True)
    prefecture_code: Mapped[str] = mapped_column(String(2))
    registered_at: Mapped[datetime]


class Application(Base):
    """A person's application to a program; one per person and program. `waitlist_ticket` is
    their order in the program's waitlist (the program's `waitlist_seq` when decided)."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("program_id", "helper_id", name="uq_applications_program_id_helper_id"),
        Index("ix_applications_program_id_status_waitlist_ticket", "program_id", "status", "waitlist_ticket"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    program_id: Mapped[UUID] = mapped_column(ForeignKey("programs.id"))
    helper_id: Mapped[UUID] = mapped_column(ForeignKey("helpers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    waitlist_ticket: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Round(Base):
    """A batch round over published programs (a season). Its seed is chosen at opening and kept in
    `seed`, but only `seed_hash` is shown until the run (the hosts' score ties are decided by it);
    the run writes the quality report and closes it for good: running again does nothing."""

    __tablename__ = "rounds"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16))  # stable | max_fill | relay
    max_programs: Mapped[int] = mapped_column(default=1)  # per person; more than 1 only in the relay
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    seed: Mapped[str] = mapped_column(String(64))
    seed_hash: Mapped[str] = mapped_column(String(64))
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the quality report, once run
    created_by: Mapped[UUID]
    created_at: Mapped[datetime]
    run_by: Mapped[UUID | None]
    run_at: Mapped[datetime | None]


class RoundProgram(Base):
    """A program in a round, and its host's ranking of the people who listed it: by hand
    (`ranking`, best first) or by score with the round's seeded tie-breaks (`method` = score)."""

    __tablename__ = "round_programs"

    round_id: Mapped[UUID] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    program_id: Mapped[UUID] = mapped_column(ForeignKey("programs.id"), primary_key=True, index=True)
    method: Mapped[str] = mapped_column(String(16), default="score")  # score | manual
    ranking: Mapped[list[str]] = mapped_column(JSON, default=list)  # helper ids, best first (manual)
    ranked_by: Mapped[UUID | None]
    ranked_at: Mapped[datetime | None]


class RoundWish(Base):
    """A person's ranking of a round's programs, best first; one per person and round."""

    __tablename__ = "round_wishes"

    round_id: Mapped[UUID] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    helper_id: Mapped[UUID] = mapped_column(ForeignKey("helpers.id"), primary_key=True, index=True)
    program_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime]


class RoundPlacement(Base):
    """Who a round placed where: `rank` in the person's own list (1 = first choice), `stage` the
    relay's round that placed them (1 outside the relay)."""

    __tablename__ = "round_placements"

    round_id: Mapped[UUID] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    helper_id: Mapped[UUID] = mapped_column(ForeignKey("helpers.id"), primary_key=True, index=True)
    program_id: Mapped[UUID] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    application_id: Mapped[UUID] = mapped_column(ForeignKey("applications.id"))
    rank: Mapped[int]
    stage: Mapped[int] = mapped_column(default=1)


class Scout(Base):
    """A host's invitation to a person who consented to be scouted: once per person and program.
    `reasons` are why they were suggested, as sent; erasure empties them and the message."""

    __tablename__ = "scouts"
    __table_args__ = (UniqueConstraint("program_id", "helper_id", name="uq_scouts_program_id_helper_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    program_id: Mapped[UUID] = mapped_column(ForeignKey("programs.id"))
    helper_id: Mapped[UUID] = mapped_column(ForeignKey("helpers.id"), index=True)
    sent_by: Mapped[UUID]  # the host's user id
    message: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]


class Participation(Base):
    """A dated fact: a person took part in a program, or a forum gathering (`activity_id` is the
    program's or the forum event's id), on a JST day; one row however many sources say so.
    `municipality_code` is None for a forum gathering whose venue names no one municipality: it
    counts for the network, in no municipality's depth. Only the pseudonymous person id is kept."""

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("helper_id", "activity_id", "day", name="uq_participations_helper_id_activity_id_day"),
        Index("ix_participations_municipality_code_day", "municipality_code", "day"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    helper_id: Mapped[UUID] = mapped_column(index=True)
    activity_id: Mapped[UUID]
    program_id: Mapped[UUID | None] = mapped_column(ForeignKey("programs.id"))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    day: Mapped[date]
    source: Mapped[str] = mapped_column(String(16))  # host_confirmed | forum_checkin
    recorded_by: Mapped[UUID | None]  # the host or operator who confirmed; None for a check-in
    created_at: Mapped[datetime]


class RelationRole(Base):
    """A dated fact: a person took a role for a municipality (host, booth, speaker, coordinator),
    first on `day`."""

    __tablename__ = "relation_roles"
    __table_args__ = (Index("ix_relation_roles_municipality_code_day", "municipality_code", "day"),)

    person_id: Mapped[UUID] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date]
    created_at: Mapped[datetime]


class ForumAttendance(Base):
    """A known helper's confirmed seat at a forum gathering (from `forum.signup.confirmed.v1`), so
    its check-in, which names only the signup, counts as their participation. No address is kept."""

    __tablename__ = "forum_attendances"

    signup_id: Mapped[UUID] = mapped_column(primary_key=True)
    event_id: Mapped[UUID]
    helper_id: Mapped[UUID] = mapped_column(index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6))  # from the venue, when it names one
    created_at: Mapped[datetime]
