"""The gatherings dashboard as the API returns it (and the pages render it): upcoming forums and
cafés with their seats, new signups per day and week, attendance at the ended ones. Labelled
values carry their Japanese and English words (`kind_ja`, `kind_en`)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field


class GatheringRead(BaseModel):
    """A forum or café date as last published."""

    id: UUID
    kind: str = Field(description="block_forum | national_forum | cafe")
    kind_ja: str
    kind_en: str
    title: str
    starts_at: datetime
    ends_at: datetime
    online: bool
    venue: str | None
    capacity: int


class UpcomingGathering(GatheringRead):
    confirmed: int = Field(description="seats confirmed (or already checked in) as of the day")
    held: int = Field(description="seats held: an address being verified, or a freed seat offered to someone waiting")
    waitlisted: int
    fill_rate: float | None = Field(description="(confirmed + held) / capacity, 0–1; none without a capacity")


class KindSeats(BaseModel):
    """The upcoming gatherings of one kind, summed."""

    kind: str
    kind_ja: str
    kind_en: str
    gatherings: int
    capacity: int
    confirmed: int
    held: int
    waitlisted: int
    fill_rate: float | None


class SignupDay(BaseModel):
    day: date = Field(description="a JST day of the window")
    signups: int = Field(description="signups made that day (waitlisted, later cancelled and imported ones too)")


class SignupWeek(BaseModel):
    week: date = Field(description="the week's Monday")
    starts_on: date = Field(description="the first day of the week in the window")
    ends_on: date = Field(description="the last day of the week in the window")
    signups: int


class AttendanceRow(GatheringRead):
    """A gathering that ended before the day's end. Online gatherings have no check-in: their
    `checked_in`, `no_shows` and `attendance_rate` are null and `note_*` says why."""

    confirmed: int = Field(description="people with a seat as of the day, checked in or not")
    check_in: bool = Field(description="whether arrivals are checked in (in person); false online")
    checked_in: int | None
    no_shows: int | None = Field(description="confirmed but never checked in; null online")
    attendance_rate: float | None = Field(
        description="checked_in / confirmed, 0–1; null online or with nobody confirmed")
    note_ja: str | None = None
    note_en: str | None = None


class AttendanceTotals(BaseModel):
    """The ended in-person gatherings summed; the online ones only counted."""

    in_person: int
    online: int
    confirmed: int
    checked_in: int
    no_shows: int
    attendance_rate: float | None


class GatheringFigures(BaseModel):
    """The gatherings dashboard as of a day: facts dated before that day's end (JST) only."""

    as_of: date
    cutoff: datetime = Field(description="the instant the day ends in JST (UTC); facts at or after it are left out")
    days: int = Field(description="the window of `signups_by_day`: this many days ending on `as_of`")
    upcoming: list[UpcomingGathering] = Field(
        description="starting at or after the cutoff, not cancelled; soonest first")
    by_kind: list[KindSeats]
    new_signups: int = Field(description="signups made in the window")
    signups_by_day: list[SignupDay]
    signups_by_week: list[SignupWeek]
    attendance: list[AttendanceRow] = Field(description="ended before the cutoff, not cancelled; latest first")
    attendance_totals: AttendanceTotals
