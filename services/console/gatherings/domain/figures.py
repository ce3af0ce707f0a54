"""The gatherings dashboard's figures as of a day, from dated facts: the forums and cafés still to
come and their seats, new signups per day and week, and attendance at the ones that ended. Pure.

A fact counts only if it is dated before the cutoff (the end of the day asked for, JST). A
signup's state on the day is its latest fact before the cutoff (ties in the order recorded):
`confirmed` and `checked_in` take a seat, `requested` (an address being verified) and `offered`
(a freed seat offered to someone waiting) hold one, `waitlisted` waits. A gathering's details
(kind, time, capacity) are those it was last published with: the read model keeps no history of
them, only when it was published and cancelled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from services.console.domain.days import Week, day_of, weeks, window
from services.console.domain.rates import rate

SEATED = frozenset({"confirmed", "checked_in"})
HELD = frozenset({"requested", "pending_verification", "offered"})  # forum's own name for requested, as imported
WAITING = "waitlisted"
CHECKED_IN = "checked_in"


@dataclass(frozen=True)
class Gathering:
    """A forum or café date as last published."""

    id: UUID
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    online: bool
    venue: str | None
    published_at: datetime
    cancelled_at: datetime | None

    def known(self, cutoff: datetime) -> bool:
        """Published, and not cancelled, before the cutoff."""
        return self.published_at < cutoff and not (self.cancelled_at is not None and self.cancelled_at < cutoff)


@dataclass(frozen=True)
class SignupFact:
    """A signup reached `status` at `at`; `seq` orders facts of one instant as they were recorded."""

    signup_id: UUID
    event_id: UUID
    status: str
    at: datetime
    seq: int = 0


@dataclass(frozen=True)
class Seats:
    """An upcoming gathering's seats as of the day."""

    gathering: Gathering
    confirmed: int
    held: int
    waitlisted: int

    @property
    def fill_rate(self) -> float | None:
        """Seats taken or held out of the capacity (above 1 only if the capacity was lowered)."""
        return rate(self.confirmed + self.held, self.gathering.capacity)


@dataclass(frozen=True)
class KindSeats:
    """The upcoming gatherings of one kind, summed."""

    kind: str
    gatherings: int
    capacity: int
    confirmed: int
    held: int
    waitlisted: int

    @property
    def fill_rate(self) -> float | None:
        return rate(self.confirmed + self.held, self.capacity)


@dataclass(frozen=True)
class SignupDay:
    day: date
    signups: int


@dataclass(frozen=True)
class SignupWeek:
    week: Week
    signups: int


@dataclass(frozen=True)
class Attendance:
    """A gathering that ended before the cutoff: who had a seat, who came. An online gathering has
    no check-in, so it has no count of arrivals or no-shows (None), never a count of 0."""

    gathering: Gathering
    confirmed: int  # had a seat as of the day (checked in or not)
    checked_in: int | None

    @property
    def no_shows(self) -> int | None:
        return None if self.checked_in is None else self.confirmed - self.checked_in

    @property
    def attendance_rate(self) -> float | None:
        return None if self.checked_in is None else rate(self.checked_in, self.confirmed)


@dataclass(frozen=True)
class AttendanceTotals:
    """Attendance summed over the ended in-person gatherings; the online ones are only counted."""

    in_person: int
    online: int
    confirmed: int
    checked_in: int

    @property
    def no_shows(self) -> int:
        return self.confirmed - self.checked_in

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.checked_in, self.confirmed)


@dataclass(frozen=True)
class Figures:
    as_of: date
    cutoff: datetime
    upcoming: list[Seats]
    by_kind: list[KindSeats]
    signups_by_day: list[SignupDay]
    signups_by_week: list[SignupWeek]
    attendance: list[Attendance]
    attendance_totals: AttendanceTotals

    @property
    def new_signups(self) -> int:
        return sum(d.signups for d in self.signups_by_day)


@dataclass
class SignupAsOf:
    """One signup's facts before the cutoff, folded: when it was made, its latest state, whether it checked in."""

    event_id: UUID
    first: datetime
    latest: tuple[datetime, int]
    status: str
    checked_in: bool


def signups_as_of(facts: Iterable[SignupFact], cutoff: datetime) -> dict[UUID, SignupAsOf]:
    """Each signup with a fact before the cutoff: when it was made, its latest state, whether it checked in."""
    found: dict[UUID, SignupAsOf] = {}
    for fact in facts:
        if fact.at >= cutoff:
            continue
        key = (fact.at, fact.seq)
        seen = found.get(fact.signup_id)
        if seen is None:
            found[fact.signup_id] = SignupAsOf(fact.event_id, fact.at, key, fact.status, fact.status == CHECKED_IN)
            continue
        seen.first = min(seen.first, fact.at)
        seen.checked_in = seen.checked_in or fact.status == CHECKED_IN
        if key > seen.latest:
            seen.latest, seen.status = key, fact.status
    return found


def upcoming(gatherings: Iterable[Gathering], signups: dict[UUID, SignupAsOf], cutoff: datetime) -> list[Seats]:
    """Gatherings published by the cutoff, not cancelled by it, starting at or after it; soonest first."""
    counts: dict[UUID, Counter[str]] = {}
    for signup in signups.values():
        counts.setdefault(signup.event_id, Counter())[signup.status] += 1
    found = []
    for g in gatherings:
        if g.known(cutoff) and g.starts_at >= cutoff:
            c = counts.get(g.id, Counter())
            found.append(Seats(g, confirmed=sum(c[s] for s in SEATED), held=sum(c[s] for s in HELD),
                               waitlisted=c[WAITING]))
    return sorted(found, key=lambda s: (s.gathering.starts_at, s.gathering.title, s.gathering.id))


def by_kind(seats: Iterable[Seats]) -> list[KindSeats]:
    """The upcoming seats summed per kind, in the order the kinds first come."""
    found: dict[str, KindSeats] = {}
    for s in seats:
        k = found.get(s.gathering.kind, KindSeats(s.gathering.kind, 0, 0, 0, 0, 0))
        found[s.gathering.kind] = KindSeats(k.kind, k.gatherings + 1, k.capacity + s.gathering.capacity,
                                            k.confirmed + s.confirmed, k.held + s.held, k.waitlisted + s.waitlisted)
    return sorted(found.values(), key=lambda k: k.kind)


def signups_by_day(signups: dict[UUID, SignupAsOf], days: list[date]) -> list[SignupDay]:
    """New signups (a signup's first fact) per JST day of the window."""
    made = Counter(day_of(s.first) for s in signups.values())
    return [SignupDay(day, made[day]) for day in days]


def signups_by_week(per_day: list[SignupDay]) -> list[SignupWeek]:
    """The same, per week (Monday to Sunday) of the window; the first and last may be partial."""
    counts = {d.day: d.signups for d in per_day}
    return [SignupWeek(w, sum(n for day, n in counts.items() if w.starts_on <= day <= w.ends_on))
            for w in weeks(counts)]


def attendance(gatherings: Iterable[Gathering], signups: dict[UUID, SignupAsOf], cutoff: datetime
               ) -> list[Attendance]:
    """Gatherings published and not cancelled by the cutoff that ended before it; latest first.
    `confirmed`: signups seated as of the day, or checked in; `checked_in`: those with a check-in."""
    seated: Counter[UUID] = Counter()
    came: Counter[UUID] = Counter()
    for signup in signups.values():
        if signup.status in SEATED or signup.checked_in:
            seated[signup.event_id] += 1
        if signup.checked_in:
            came[signup.event_id] += 1
    found = [Attendance(g, confirmed=seated[g.id], checked_in=None if g.online else came[g.id])
             for g in gatherings if g.known(cutoff) and g.ends_at < cutoff]
    return sorted(found, key=lambda a: (a.gathering.starts_at, a.gathering.title, a.gathering.id), reverse=True)


def totals(rows: Iterable[Attendance]) -> AttendanceTotals:
    in_person = [a for a in rows if a.checked_in is not None]
    online = [a for a in rows if a.checked_in is None]
    return AttendanceTotals(in_person=len(in_person), online=len(online),
                            confirmed=sum(a.confirmed for a in in_person),
                            checked_in=sum(a.checked_in or 0 for a in in_person))


def figures(*, gatherings: Iterable[Gathering], facts: Iterable[SignupFact], as_of: date, cutoff: datetime,
            days: int) -> Figures:
    """Every figure of the dashboard as of `as_of` (whose end is `cutoff`), signups over the `days`
    days ending on it. Facts dated at or after the cutoff are left out, whatever was passed."""
    listed = list(gatherings)
    signups = signups_as_of(facts, cutoff)
    seats = upcoming(listed, signups, cutoff)
    per_day = signups_by_day(signups, window(as_of, days))
    ended = attendance(listed, signups, cutoff)
    return Figures(as_of=as_of, cutoff=cutoff, upcoming=seats, by_kind=by_kind(seats), signups_by_day=per_day,
                   signups_by_week=signups_by_week(per_day), attendance=ended, attendance_totals=totals(ended))
