"""Membership "as of" a date, replayed from the history.

"As of D" means at the end of day D in Japan (JST): anything recorded before
D+1 00:00 JST counts. A member counts if its latest status by then is one of
approved, active or suspended (suspension pauses activity, not membership).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from uuid import UUID

from kit.jst import JST

from .workflow import MemberStatus

MEMBER_STATUSES = frozenset({MemberStatus.approved.value, MemberStatus.active.value, MemberStatus.suspended.value})


def end_of_day_jst(day: date) -> datetime:
    """The first instant after `day` in JST; history strictly before it counts."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=JST)


def members_at(history: Iterable[tuple[UUID, str, datetime]]) -> set[UUID]:
    """Replay (member, to_status, at) rows in time order; keep those whose last status is a membership."""
    last: dict[UUID, str] = {}
    for member_id, to_status, _at in sorted(history, key=lambda row: row[2]):
        last[member_id] = to_status
    return {m for m, status in last.items() if status in MEMBER_STATUSES}
