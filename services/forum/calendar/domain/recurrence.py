"""A café series' dates from its RFC 5545 RRULE (python-dateutil), bounded and checked. Pure.

The rule runs in JST wall time, so "the third Wednesday at 19:00" stays a Wednesday evening in
Japan (in UTC an early-morning date would fall on the day before)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrule, rrulestr

from kit.errors import FieldProblem
from kit.jst import JST

MAX_DATES = 60
FIRST_YEARS = (2000, 2999)
EXAMPLE = "FREQ=MONTHLY;BYDAY=3WE;COUNT=12"
# A café meets at most daily: sub-daily rules would only produce noise (and cost more to expand).
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# What a café's rule needs ("the third Wednesday", "the last weekday", "not in August"). BYYEARDAY
# and BYWEEKNO are left out: with them a rule that never matches makes dateutil walk day by day to
# the year 9999 (seconds of CPU); the checks below rule out most other such combinations, and what
# is left (e.g. a fifth Monday that is also the 1st) costs well under a second.
PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST")
# The largest magnitude of each numeric BY… part (RFC 5545 3.3.10); 0 is never valid.
RANGES = {"BYMONTH": 12, "BYMONTHDAY": 31, "BYSETPOS": 31}
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DATE = re.compile(r"^\d{8}$")
_LOCAL = re.compile(r"^\d{8}T\d{6}$")


@dataclass(frozen=True)
class Expansion:
    """The normalised rule and its dates (UTC), or what is wrong with it."""

    rule: str = ""
    starts: list[datetime] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)


def _bad(code: str, ja: str, en: str, name: str = "rrule") -> Expansion:
    return Expansion(problems=[FieldProblem(name, code, ja, en)])


def normalise(raw: str) -> tuple[str, dict[str, str]] | FieldProblem:
    """`RRULE:FREQ=…;…` or `FREQ=…;…` as `FREQ=…;…` (upper case), with its parts. A date-only
    or floating UNTIL is read as JST (through the end of that day) and written in UTC, as RFC 5545
    requires with a zoned start."""
    text = raw.strip().upper().removeprefix("RRULE:")
    if not text or any(c in text for c in ":\r\n"):  # one RRULE value only: no DTSTART, RDATE or EXRULE
        return FieldProblem("rrule", "format", f"RRULE の値を1つだけ指定してください（例: {EXAMPLE}）。",
                            f"Give one RRULE value (e.g. {EXAMPLE}).")
    parts: dict[str, str] = {}
    for piece in text.split(";"):
        key, sep, value = piece.partition("=")
        if not sep or not value or key not in PARTS or key in parts:
            return FieldProblem("rrule", "format", f"RRULE の「{piece}」は使えません。",
                                f"'{piece}' is not allowed in the RRULE.")
        parts[key] = value
    until = parts.get("UNTIL")
    if until is not None and (_DATE.match(until) or _LOCAL.match(until)):
        try:
            local = (datetime.combine(datetime.strptime(until, "%Y%m%d").date(), time(23, 59, 59))
                     if _DATE.match(until) else datetime.strptime(until, "%Y%m%dT%H%M%S"))
            parts["UNTIL"] = local.replace(tzinfo=JST).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        except (ValueError, OverflowError):
            return FieldProblem("rrule", "until", "UNTIL の日付が正しくありません。", "UNTIL is not a valid date.")
    return ";".join(f"{k}={v}" for k, v in parts.items()), parts


def _in_range(value: str, top: int) -> bool:
    for item in value.split(","):
        digits = item.removeprefix("+").removeprefix("-")
        if not (digits.isascii() and digits.isdigit() and 0 < int(digits) <= top):
            return False
    return True


def expand(raw: str, first_starts_at: datetime) -> Expansion:
    """Every date of the rule from `first_starts_at`, which must be its first date. Bounded: the
    rule needs COUNT or UNTIL, and gives at most MAX_DATES dates."""
    found = normalise(raw)
    if isinstance(found, FieldProblem):
        return Expansion(problems=[found])
    rule_text, parts = found
    if parts.get("FREQ") not in FREQUENCIES:
        return _bad("frequency", "FREQ は DAILY・WEEKLY・MONTHLY・YEARLY のいずれかにしてください。",
                    "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY.")
    if any(k in parts and not (parts[k].isascii() and parts[k].isdigit() and int(parts[k]) > 0)
           for k in ("COUNT", "INTERVAL")):
        return _bad("number", "COUNT と INTERVAL は1以上の整数にしてください。",
                    "COUNT and INTERVAL must be whole numbers from 1.")
    if any(not _in_range(parts[k], top) for k, top in RANGES.items() if k in parts):
        return _bad("range", "BYMONTH などの値が範囲外です。", "A BY… value is out of range.")
    if "BYSETPOS" in parts and (parts["FREQ"] not in ("MONTHLY", "YEARLY") or "BYDAY" not in parts):
        return _bad("bysetpos", "BYSETPOS は MONTHLY・YEARLY で BYDAY と組み合わせて使ってください（例: 最終平日）。",
                    "BYSETPOS works with MONTHLY or YEARLY and BYDAY (e.g. the last weekday).")
    if "BYMONTH" in parts and "BYMONTHDAY" in parts and not any(
            abs(int(d)) <= MONTH_DAYS[int(m) - 1] for m in parts["BYMONTH"].split(",")
            for d in parts["BYMONTHDAY"].split(",")):
        return _bad("empty", "この RRULE では日程がありません。", "The RRULE gives no dates.")
    if ("COUNT" in parts) == ("UNTIL" in parts):
        return _bad("unbounded", "COUNT か UNTIL のどちらか一方を指定してください。",
                    "Give exactly one of COUNT or UNTIL, so the series ends.")
    if not FIRST_YEARS[0] <= first_starts_at.year <= FIRST_YEARS[1]:  # far dates would overflow below
        return _bad("range", "初回の日時が範囲外です。", "The first start is out of range.", name="first_starts_at")
    first = first_starts_at.astimezone(JST).replace(microsecond=0)  # rrule drops microseconds
    try:
        rule = rrulestr(rule_text, dtstart=first)
        if not isinstance(rule, rrule):
            raise ValueError("not a single rule")
        starts = list(islice(rule, MAX_DATES + 1))
    except Exception as exc:  # noqa: BLE001 - dateutil raises assorted errors on odd rules; all mean invalid
        return _bad("invalid", f"RRULE を解釈できません: {exc}", f"The RRULE cannot be read: {exc}")
    if len(starts) > MAX_DATES:
        return _bad("too_many", f"日程は{MAX_DATES}回までにしてください。", f"At most {MAX_DATES} dates.")
    if not starts:
        return _bad("empty", "この RRULE では日程がありません。", "The RRULE gives no dates.")
    if starts[0] != first:
        return _bad("first_date", "初回の日時が RRULE の最初の日程と一致しません。",
                    "The first start is not the rule's first date.", name="first_starts_at")
    return Expansion(rule=rule_text, starts=[s.astimezone(UTC) for s in starts])


def ends(starts: list[datetime], duration_minutes: int) -> list[tuple[datetime, datetime]]:
    return [(s, s + timedelta(minutes=duration_minutes)) for s in starts]
