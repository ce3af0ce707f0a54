"""What a helper's profile may hold, the purpose it is used for, and what erasure leaves. Pure.

The purpose of use is stated before anything is kept, and its version is recorded with the
profile (APPI): a new purpose is a new version, and people are asked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from kit.errors import FieldProblem
from services.matching.programs.domain.skills import SKILLS

PURPOSE_VERSION = "2026-12"
PURPOSE = ("地域の募集のご案内とおすすめ、応募の受付と調整、（同意された場合のみ）募集側からのスカウト、"
           "参加状況の集計（個人を特定しない形）に利用します。"
           " / Used to show and recommend regional programs, take and arrange your applications, let hosts "
           "invite you (only if you agree to be scouted), and count participation anonymously.")
MAX_WINDOWS = 24
MAX_WINDOW_DAYS = 366
MAX_SKILLS = 20


def purpose(*, japanese: bool) -> str:
    ja, _, en = PURPOSE.partition(" / ")
    return ja if japanese else en


def problems(*, skills: Sequence[str], windows: Sequence[tuple[date, date]]) -> list[FieldProblem]:
    """Every problem with a profile at once, in Japanese and English."""
    found: list[FieldProblem] = []
    if unknown := [s for s in skills if s not in SKILLS]:
        found.append(FieldProblem("skills", "unknown", f"技能の一覧にない項目があります：{'、'.join(unknown)}",
                                  f"Not in the list of skills: {', '.join(unknown)}"))
    if len(set(skills)) > MAX_SKILLS:
        found.append(FieldProblem("skills", "too_many", f"技能は{MAX_SKILLS}個までです。",
                                  f"At most {MAX_SKILLS} skills."))
    for i, (starts_on, ends_on) in enumerate(windows):
        if ends_on < starts_on:
            found.append(FieldProblem(f"availability.{i}.ends_on", "order", "終了日は開始日以降にしてください。",
                                      "The end date must not come before the start date."))
        elif (ends_on - starts_on).days + 1 > MAX_WINDOW_DAYS:
            found.append(FieldProblem(f"availability.{i}.ends_on", "too_long",
                                      f"期間は{MAX_WINDOW_DAYS}日以内にしてください。",
                                      f"A period is at most {MAX_WINDOW_DAYS} days."))
    return found


def unique(items: Sequence[str]) -> list[str]:
    """In the order given, without repeats."""
    return list(dict.fromkeys(items))


def merged_windows(windows: Sequence[tuple[date, date]]) -> list[tuple[date, date]]:
    """Availability windows sorted, overlapping or touching ones joined: the same days, said once."""
    joined: list[tuple[date, date]] = []
    for starts_on, ends_on in sorted(windows):
        if joined and starts_on.toordinal() <= joined[-1][1].toordinal() + 1:
            joined[-1] = (joined[-1][0], max(joined[-1][1], ends_on))
        else:
            joined.append((starts_on, ends_on))
    return joined


def blanked(now: datetime) -> dict[str, Any]:
    """A helper's columns after erasure: nothing that identifies or describes the person is left;
    the pseudonymous id stays, so dated counts (registrations, participations) stay true."""
    return {"email": None, "name": "", "skills": [], "interests": [], "home_prefecture_code": None,
            "availability": [], "max_travel_km": None, "online_ok": False, "scout_consent": False,
            "scout_withdrawn_at": now, "erased_at": now, "updated_at": now}
