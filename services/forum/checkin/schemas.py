"""Check-in's API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CheckinCreate(BaseModel):
    model_config = STRICT

    code: Annotated[str, Field(min_length=1, max_length=64, description="The 8-character code, as scanned or "
                                                                       "typed (case, spaces, hyphens and "
                                                                       "full-width forms are ignored).")]


class CheckinRead(BaseModel):
    """A checked-in attendee, for the desk to greet: `already` is true when the code was
    scanned before (the same `checked_in_at` comes back, nothing changes)."""

    signup_id: UUID
    event_id: UUID
    name: str
    name_kana: str
    affiliation: str
    checked_in_at: datetime
    already: bool
    confirmed: int = Field(description="Confirmed attendees of the event.")
    checked_in: int = Field(description="Of whom checked in so far.")


class PrefectureAttendance(BaseModel):
    prefecture_code: str | None
    confirmed: int
    checked_in: int


class AttendanceRead(BaseModel):
    """Attendance of one event. `no_show` (confirmed, never checked in) is known once the
    event has ended, and null before; `not_checked_in` is the same count at any time."""

    event_id: UUID
    confirmed: int
    checked_in: int
    not_checked_in: int
    no_show: int | None
    ended: bool
    by_prefecture: list[PrefectureAttendance]
