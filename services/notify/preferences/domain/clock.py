"""Times of day in JST as people type them (HH:MM), and the quiet-hours window. Pure.

The delivery side reads the stored strings back as a daily window in JST that may wrap
midnight (21:00–08:00); here they are checked and normalised before they are stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kit.errors import FieldProblem

TIMEZONE = "Asia/Tokyo"  # every time of day here is JST
DEFAULT_QUIET_START = "21:00"
DEFAULT_QUIET_END = "08:00"
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")


def parse_hhmm(value: object) -> str | None:
    """`value` as zero-padded HH:MM between 00:00 and 23:59, else None.

    Full-width digits and colons (「２１：００」, as a Japanese keyboard may type them) count,
    as does a single-digit hour ("9:00" → "09:00")."""
    if not isinstance(value, str):
        return None
    found = _HHMM.fullmatch(unicodedata.normalize("NFKC", value).strip())
    if found is None:
        return None
    hours, minutes = int(found[1]), int(found[2])
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def bad_time(field: str) -> FieldProblem:
    return FieldProblem(field, "time_format", ja="時刻は HH:MM（00:00〜23:59、日本時間）の形式で入力してください。",
                        en="Enter a time as HH:MM between 00:00 and 23:59 (JST).")


def empty_window(field: str) -> FieldProblem:
    return FieldProblem(field, "quiet_window_empty", ja="開始と終了に同じ時刻は指定できません。",
                        en="The start and the end cannot be the same time.")


@dataclass(frozen=True)
class QuietWindow:
    """A daily window in JST, from `start` up to `end`; it wraps midnight when start > end."""

    start: str  # HH:MM, as parse_hhmm gives it
    end: str

    @property
    def wraps_midnight(self) -> bool:
        return self.start > self.end  # zero-padded HH:MM compares as the clock does

    @property
    def minutes(self) -> int:
        """How long the window lasts each day."""
        length = _minutes(self.end) - _minutes(self.start)
        return length if length > 0 else length + 24 * 60

    def contains(self, hhmm: str) -> bool:
        """Whether the JST clock time `hhmm` falls in the window (start included, end not)."""
        if self.wraps_midnight:
            return hhmm >= self.start or hhmm < self.end
        return self.start <= hhmm < self.end


def window_problem(start: str, end: str, field: str) -> FieldProblem | None:
    """Why `start`–`end` is not a quiet window, if it is not: an empty one (start = end)."""
    return empty_window(field) if start == end else None


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
