"""Membership "as of" a day, replayed from the history.

"As of D" means at the end of day D in Japan (JST): anything recorded before D+1 00:00 JST
counts. A member counts if its latest status by then is one of approved, active or suspended
(suspension pauses activity, not membership).

Supported days run from EARLIEST_AS_OF to today in Japan. Nothing can have been recorded
before the idea of 関係人口 entered policy (2016; the network is younger still), and a day that
has not begun in Japan has no figures yet; anything outside is a typo (e.g. 9999-12-31, whose
next day does not exist) and is answered with a field problem on `as_of`, not a 500.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kit.errors import FieldProblem, ValidationFailed
from kit.jst import JST
from services.registry.membership.domain.workflow import MemberStatus

MEMBER_STATUSES = frozenset({MemberStatus.approved.value, MemberStatus.active.value, MemberStatus.suspended.value})
EARLIEST_AS_OF = date(2016, 1, 1)
FIELD = "as_of"


def today_jst(now: datetime) -> date:
    return now.astimezone(JST).date()


def check_as_of(day: date, today: date) -> None:
    """Raise ValidationFailed unless `day` is a supported "as of" day (see the module's rule)."""
    if not EARLIEST_AS_OF <= day <= today:
        raise ValidationFailed([FieldProblem(
            FIELD, "out_of_range",
            ja=f"対象日は{EARLIEST_AS_OF.isoformat()}から今日（{today.isoformat()}、日本時間）までの日付で指定してください。",
            en=f"Choose a day from {EARLIEST_AS_OF.isoformat()} to today ({today.isoformat()}, Japan time).",
        )])


def end_of_day_jst(day: date) -> datetime:
    """The first instant after `day` in JST; history strictly before it counts."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=JST)
