"""Events matching publishes (`matching.*.v1`): programs, applications, rounds, scouts,
participation and the depth of a person's relation to a region.

What consumers need travels in the event, so none has to ask matching: notify emails the person
(address, name, language, the program's title, place, dates and a link); the operators' console
counts programs and participations per municipality by date. A municipality is named by its
全国地方公共団体コード (`municipality_code`, 6 digits) with its full name (`岐阜県飛騨市`).
Dates are calendar days in JST (`starts_on`, `ends_on`); `at` is when it happened (UTC).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from kit.contracts.base import DEFAULT_LOCALE, EventContract, Locale


class _ProgramFacts(EventContract):
    program_id: UUID
    member_id: UUID  # the member (municipality, RMO, intermediary) that posted it
    host_name: str | None = None  # the resident host it was posted for, if not the member itself
    title: str
    municipality_code: str
    municipality: str  # full name, e.g. 岐阜県飛騨市
    prefecture_code: str  # JIS X 0401, "01"–"47"
    lat: float | None = None
    lon: float | None = None
    schedule: str  # dates (come on these days) | season (some days within the window)
    starts_on: date
    ends_on: date
    capacity: int
    online: bool
    skills: tuple[str, ...] = ()  # required and optional, from the controlled vocabulary
    url: str  # the program's public page
    at: datetime


class ProgramPublished(_ProgramFacts):
    event_type = "matching.program.published"
    description = "A program opened for helpers: its place, dates, capacity and skills."


class ProgramClosed(_ProgramFacts):
    event_type = "matching.program.closed"
    description = "A program stopped taking applications (it may still be marked done later)."


class ProgramImported(_ProgramFacts):
    event_type = "matching.program.imported"
    description = ("A program that predates the platform (a past season, or the demo data): facts for read models, "
                   "not news.")
    status: str  # published | closed | done
    closed_at: datetime | None = None  # when it stopped taking people (closed or done)


class _ApplicationFacts(EventContract):
    application_id: UUID
    program_id: UUID
    program_title: str
    member_id: UUID
    municipality_code: str
    municipality: str
    starts_on: date
    ends_on: date
    online: bool
    helper_id: UUID  # the person's platform user id
    email: str
    name: str
    locale: Locale = DEFAULT_LOCALE
    url: str  # where the person sees the program and their application
    at: datetime


class ApplicationSubmitted(_ApplicationFacts):
    event_type = "matching.application.submitted"
    description = "A person applied to a program (first come, or ranked for a batch round)."


class ApplicationAccepted(_ApplicationFacts):
    event_type = "matching.application.accepted"
    description = "A person has a place in a program (first come, promoted, or allocated by a round)."
    okaeshi: str = ""  # what the helper gets in thanks (オカエシ)


class ApplicationWaitlisted(_ApplicationFacts):
    event_type = "matching.application.waitlisted"
    description = "A person is on a program's waitlist, at the position given."
    waitlist_position: int


# Why an application ended, as a code its consumers can word in each language.
WithdrawalReason = Literal["person", "host", "program_closed"]


class ApplicationWithdrawn(_ApplicationFacts):
    event_type = "matching.application.withdrawn"
    description = "An application was withdrawn (by the person, the host, or a closed program)."
    reason: WithdrawalReason


class RoundCompleted(EventContract):
    event_type = "matching.round.completed"
    description = ("A batch round allocated people to programs (person-proposing deferred acceptance): "
                   "its counts, fill rate, blocking pairs and seed.")
    round_id: UUID
    title: str
    seed: str
    people: int
    programs: int
    seats: int
    matched: int
    fill_rate: float  # matched / seats
    blocking_pairs: int
    url: str  # the round's report page
    at: datetime


class RoundUnplaced(EventContract):
    event_type = "matching.round.unplaced"
    description = ("A person who ranked programs in a batch round got no place in it: they are told, "
                   "one message per person and round.")
    round_id: UUID
    title: str  # the round's
    helper_id: UUID  # the person's platform user id
    email: str
    name: str
    locale: Locale = DEFAULT_LOCALE
    ranked: int  # how many programs they ranked
    url: str  # where programs still open are listed
    at: datetime


class ScoutSent(EventContract):
    event_type = "matching.scout.sent"
    description = "A program's host invited a person who consented to be scouted, with the reasons it suggested them."
    scout_id: UUID
    program_id: UUID
    program_title: str
    member_id: UUID
    municipality_code: str
    municipality: str
    starts_on: date
    ends_on: date
    helper_id: UUID
    email: str
    name: str
    locale: Locale = DEFAULT_LOCALE
    message: str = ""
    reasons: tuple[str, ...] = ()  # why the person was suggested (skills matched, distance, a past relation)
    url: str
    at: datetime


class ParticipationRecorded(EventContract):
    event_type = "matching.participation.recorded"
    description = ("A person took part in a municipality's program or event (confirmed by the host, or a forum "
                   "check-in): one participation (延べ) on that day.")
    participation_id: UUID
    helper_id: UUID
    municipality_code: str
    municipality: str
    prefecture_code: str
    on: date  # the day taken part, in JST
    source: str  # host | forum_checkin
    program_id: UUID | None = None
    program_title: str | None = None
    okaeshi: str = ""
    email: str | None = None  # for the thank-you; None once the person is erased
    name: str | None = None
    locale: Locale = DEFAULT_LOCALE
    url: str | None = None
    at: datetime


class ParticipationImported(EventContract):
    event_type = "matching.participation.imported"
    description = ("A participation that predates the platform (a past season's records, or the demo data): "
                   "facts for read models, not news, so nobody is thanked again.")
    participation_id: UUID
    helper_id: UUID
    municipality_code: str
    municipality: str
    prefecture_code: str
    on: date
    source: str
    program_id: UUID | None = None
    at: datetime


class RelationStageChanged(EventContract):
    event_type = "matching.relation.stage_changed"
    description = ("A person's relation to a municipality moved: 集める (registered or interested) → 深める "
                   "(took part, or came back) → つなげる (came back across seasons, or took a role).")
    helper_id: UUID
    municipality_code: str
    municipality: str
    prefecture_code: str
    previous: str | None  # collect | deepen | connect; None for a new relation
    stage: str
    as_of: date  # the dated fact that moved it, in JST
    reason: str
    at: datetime
