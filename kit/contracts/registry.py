"""Events the registry publishes about memberships (`registry.member.*.v1`)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from kit.contracts.base import DEFAULT_LOCALE, EventContract, Locale, PersonErasedBase


class _MemberEvent(EventContract):
    member_id: UUID
    name: str
    kind: str
    status: str
    actor_id: UUID | None = None
    note: str | None = None
    contact_email: str | None = None
    locale: Locale = DEFAULT_LOCALE
    prefecture_code: str | None = None  # JIS X 0401 of the member's home: the console's prefecture and block
    municipality_code: str | None = None  # a local government's own code (6 digits); None for organisations
    at: datetime


class MemberApplied(_MemberEvent):
    event_type = "registry.member.applied"
    description = "An organization submitted its membership application."


class MemberApproved(_MemberEvent):
    event_type = "registry.member.approved"
    description = "An operator approved a membership application."


class MemberRejected(_MemberEvent):
    event_type = "registry.member.rejected"
    description = "An operator rejected a membership application (note holds the reason)."


class MemberReturned(_MemberEvent):
    event_type = "registry.member.returned"
    description = "An operator returned an application for changes (note holds the comment)."


class MemberSuspended(_MemberEvent):
    event_type = "registry.member.suspended"
    description = "An operator suspended an active membership."


class MemberWithdrawn(_MemberEvent):
    event_type = "registry.member.withdrawn"
    description = "A membership was withdrawn."


class MemberUpdated(_MemberEvent):
    event_type = "registry.member.updated"
    description = "A membership's details or status changed (activation, reinstatement, edits)."


class StatusChange(BaseModel):
    """One step of a membership's history: the status it reached, and when."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    status: str
    at: datetime


class MemberImported(EventContract):
    event_type = "registry.member.imported"
    description = ("A membership that predates the platform, imported with its dated history (the network's "
                   "roster, or the demo data): facts for read models, not news, so nobody is mailed.")
    member_id: UUID
    name: str
    kind: str
    status: str
    prefecture_code: str | None = None
    municipality_code: str | None = None
    history: tuple[StatusChange, ...]  # oldest first; the last one is `status`
    at: datetime


class SmallBaseRegistered(EventContract):
    event_type = "registry.small_base.registered"
    description = "A member registered a 小さな拠点 (small base) on the platform, counted against the national target."
    small_base_id: UUID
    member_id: UUID
    name: str
    municipality_code: str
    prefecture_code: str
    opened_on: date | None = None
    at: datetime


class StaffInvited(EventContract):
    event_type = "registry.staff.invited"
    description = "A member admin invited a person to act for the member; carries the signed link."
    member_id: UUID
    member_name: str
    email: str
    role: str
    invite_url: str
    expires_at: datetime
    locale: Locale = DEFAULT_LOCALE


class LoginLinkRequested(EventContract):
    event_type = "registry.login.requested"
    description = ("A signed, expiring, single-use link to email: sign in (purpose \"login\") or set a "
                   "password (purpose \"password\", sent to a new applicant).")
    email: str
    login_url: str
    expires_at: datetime
    locale: Locale = DEFAULT_LOCALE
    purpose: str = "login"  # login | password


class PersonErased(PersonErasedBase):
    event_type = "registry.person.erased"
    description = "A person's personal data was erased at their request (APPI): every service blanks its copy."
