"""Events forum publishes (`forum.*.v1`): events, signups, lotteries, reminders, booths, meetings.

A signup's events carry the person's address and language, so notify can tell them; the
manage link is signed by forum and only travels in these events and the emails they cause.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from kit.contracts.base import DEFAULT_LOCALE, EventContract, Locale


class _EventFacts(EventContract):
    event_id: UUID
    kind: str  # block_forum | national_forum | cafe
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    online: bool
    venue: str | None = None
    series_id: UUID | None = None
    sequence: int = 0


class EventPublished(_EventFacts):
    event_type = "forum.event.published"
    description = "An event (forum or café date) opened for signups."


class EventUpdated(_EventFacts):
    event_type = "forum.event.updated"
    description = "An event's details, time or capacity changed (a moved date raises `sequence`)."


class EventCancelled(_EventFacts):
    event_type = "forum.event.cancelled"
    description = "An event was cancelled; everyone signed up is told."


class _SignupFacts(EventContract):
    signup_id: UUID
    event_id: UUID
    event_title: str
    starts_at: datetime
    ends_at: datetime
    email: str
    name: str
    member_id: UUID | None = None
    locale: Locale = DEFAULT_LOCALE
    manage_url: str
    online: bool = False
    venue: str | None = None
    sequence: int = 0  # the event's calendar SEQUENCE: a moved event's invitation replaces the old one


class SignupRequested(_SignupFacts):
    event_type = "forum.signup.requested"
    description = "A public signup holds a seat until the address is verified (double opt-in): carries the link."
    verify_url: str
    hold_expires_at: datetime | None = None


class SignupConfirmed(_SignupFacts):
    event_type = "forum.signup.confirmed"
    description = "A person has a confirmed seat (directly, after verification, after a promotion or a draw)."
    checkin_code: str
    drawn: bool = False  # the seat came from a lottery draw


class SignupWaitlisted(_SignupFacts):
    event_type = "forum.signup.waitlisted"
    description = "A person is on the waitlist, at the position given."
    waitlist_position: int
    drawn: bool = False  # placed by a lottery draw (in drawn order)


class SignupPromoted(_SignupFacts):
    event_type = "forum.signup.promoted"
    description = "A waitlisted person was offered a freed seat (until `offer_expires_at`) or confirmed outright."
    offer_expires_at: datetime | None = None


class SignupCancelled(_SignupFacts):
    event_type = "forum.signup.cancelled"
    description = "A signup was cancelled (by the person, an operator, an expired hold or offer, or the event)."
    reason: str


class SignupCheckedIn(EventContract):
    event_type = "forum.signup.checked_in"
    description = "A confirmed attendee was checked in at the venue."
    signup_id: UUID
    event_id: UUID
    member_id: UUID | None = None
    at: datetime


class SignupImported(EventContract):
    event_type = "forum.signup.imported"
    description = ("A signup that predates the platform (a past gathering's list, or the demo data), with its dated "
                   "states: facts for read models, not news, so nobody is mailed.")
    signup_id: UUID
    event_id: UUID
    member_id: UUID | None = None
    status: str  # confirmed | waitlisted | cancelled | ... as forum names them
    signed_up_at: datetime
    waitlist_position: int | None = None
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None
    at: datetime


class LotteryDrawn(EventContract):
    event_type = "forum.lottery.drawn"
    description = "A lottery was drawn: the revealed seed and the counts; anyone can re-run it on the published list."
    event_id: UUID
    seed: str
    seed_hash: str
    entrants: int
    winners: int
    at: datetime


class ReminderDue(_SignupFacts):
    event_type = "forum.reminder.due"
    description = "A reminder to send one attendee: `which` is 24h, 1h or reconfirm."
    which: str


class BoothApplied(EventContract):
    event_type = "forum.booth.applied"
    description = "An intermediary organization applied for a booth at a block forum."
    booth_id: UUID
    event_id: UUID
    member_id: UUID
    title: str
    at: datetime


class BoothApproved(BoothApplied):
    event_type = "forum.booth.approved"
    description = "An operator approved a booth; it is listed on the event page."


class MeetingBooked(EventContract):
    event_type = "forum.meeting.booked"
    description = "Two organizations agreed on a short talk at a block forum, booked into a networking slot."
    meeting_id: UUID
    event_id: UUID
    requester_member_id: UUID
    invitee_member_id: UUID
    slot_starts_at: datetime
    at: datetime
