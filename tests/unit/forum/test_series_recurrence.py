"""A café series' RRULE: expanded in JST, bounded (COUNT or UNTIL, at most 60 dates), starting
at the first date, with field problems for everything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.jst import JST
from services.forum.calendar.domain.recurrence import MAX_DATES, expand

FIRST = datetime(2026, 5, 20, 19, 0, tzinfo=JST)  # the third Wednesday of May 2026


def test_a_monthly_rule_gives_its_dates_in_utc() -> None:
    found = expand("RRULE:freq=monthly;byday=3WE;count=4", FIRST)
    assert not found.problems and found.rule == "FREQ=MONTHLY;BYDAY=3WE;COUNT=4"
    assert [d.astimezone(JST).strftime("%m-%d %H:%M %a") for d in found.starts] == [
        "05-20 19:00 Wed", "06-17 19:00 Wed", "07-15 19:00 Wed", "08-19 19:00 Wed"]
    assert all(d.tzinfo is UTC for d in found.starts)


def test_the_rule_runs_in_jst_so_an_early_morning_date_keeps_its_weekday() -> None:
    early = datetime(2026, 5, 20, 7, 0, tzinfo=JST)  # Tuesday 22:00 in UTC
    found = expand("FREQ=WEEKLY;BYDAY=WE;COUNT=2", early.astimezone(UTC))
    assert not found.problems and [d.astimezone(JST).weekday() for d in found.starts] == [2, 2]


@pytest.mark.parametrize("until", ["20260831", "20260831T235959", "20260831T145959Z"])
def test_until_may_be_a_jst_date_or_time_and_is_stored_in_utc(until: str) -> None:
    found = expand(f"FREQ=MONTHLY;UNTIL={until}", FIRST)
    assert not found.problems and len(found.starts) == 4
    assert found.rule == "FREQ=MONTHLY;UNTIL=20260831T145959Z"


@pytest.mark.parametrize(("rule", "field", "code"), [
    ("FREQ=MONTHLY", "rrule", "unbounded"),
    ("FREQ=MONTHLY;COUNT=2;UNTIL=20270101", "rrule", "unbounded"),
    (f"FREQ=WEEKLY;COUNT={MAX_DATES + 1}", "rrule", "too_many"),
    ("FREQ=DAILY;UNTIL=20300101", "rrule", "too_many"),
    ("FREQ=HOURLY;COUNT=3", "rrule", "frequency"),
    ("FREQ=MONTHLY;COUNT=0", "rrule", "number"),
    ("FREQ=MONTHLY;INTERVAL=0;COUNT=2", "rrule", "number"),
    ("FREQ=MONTHLY;BYDAY=XX;COUNT=2", "rrule", "invalid"),
    ("FREQ=MONTHLY;COUNT=2\nEXRULE:FREQ=DAILY", "rrule", "format"),
    ("DTSTART:20260101T000000Z", "rrule", "format"),
    ("FREQ=MONTHLY;COUNT=2;FOO=1", "rrule", "format"),
    ("FREQ=MONTHLY;COUNT=2;COUNT=3", "rrule", "format"),
    ("FREQ=MONTHLY;BYDAY=1MO;COUNT=2", "first_starts_at", "first_date"),  # the 20th is no first Monday
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,-30;COUNT=2", "rrule", "empty"),  # February has no 30th
    ("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=20;COUNT=2", "rrule", "empty"),  # a first Monday is never the 20th
    ("FREQ=MONTHLY;BYMONTH=13;COUNT=2", "rrule", "range"),
    ("FREQ=MONTHLY;BYMONTHDAY=0;COUNT=2", "rrule", "range"),
    ("FREQ=DAILY;BYDAY=MO;BYSETPOS=-1;COUNT=2", "rrule", "bysetpos"),
    ("FREQ=DAILY;BYYEARDAY=100;COUNT=2", "rrule", "format"),
    ("FREQ=MONTHLY;UNTIL=20261399", "rrule", "until"),
])
def test_bad_rules_are_field_problems(rule: str, field: str, code: str) -> None:
    found = expand(rule, FIRST)
    assert [(p.field, p.code) for p in found.problems] == [(field, code)] and not found.starts
    assert all(p.ja and p.en for p in found.problems)


def test_the_last_weekday_of_each_month() -> None:
    found = expand("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3", datetime(2026, 5, 29, 19, tzinfo=JST))
    assert [d.astimezone(JST).strftime("%m-%d") for d in found.starts] == ["05-29", "06-30", "07-31"]


def test_a_far_first_start_is_a_field_problem() -> None:
    assert [p.code for p in expand("FREQ=MONTHLY;COUNT=2", datetime(9999, 12, 31, tzinfo=UTC)).problems] == ["range"]


def test_sixty_dates_are_allowed_and_microseconds_are_dropped() -> None:
    found = expand(f"FREQ=WEEKLY;COUNT={MAX_DATES}", FIRST + timedelta(microseconds=5))
    assert not found.problems and len(found.starts) == MAX_DATES and found.starts[0] == FIRST
