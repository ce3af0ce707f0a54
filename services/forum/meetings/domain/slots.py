"""Networking slots: the forum's networking hours cut into slots of `slot_minutes`, and the
earliest one two organizations both have free. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum


class MeetingStatus(StrEnum):
    requested = "requested"  # asked, waiting for the invited organization
    booked = "booked"  # accepted and given a slot
    declined = "declined"
    cancelled = "cancelled"


OPEN = (MeetingStatus.requested, MeetingStatus.booked)


def slots(starts_at: datetime, ends_at: datetime, minutes: int) -> list[datetime]:
    """Every slot's start: whole slots only, the last ending by `ends_at`."""
    if minutes <= 0:
        return []
    length = timedelta(minutes=minutes)
    found: list[datetime] = []
    at = starts_at
    while at + length <= ends_at:
        found.append(at)
        at += length
    return found


def first_free(*, starts_at: datetime, ends_at: datetime, minutes: int, busy: Iterable[datetime],
               now: datetime) -> datetime | None:
    """The earliest slot not yet started that overlaps none of `busy` (the slots either side has
    booked already), or None when the hours are full."""
    length = timedelta(minutes=minutes)
    taken = list(busy)
    for at in slots(starts_at, ends_at, minutes):
        if at < now:
            continue
        if all(not (b < at + length and at < b + length) for b in taken):
            return at
    return None
