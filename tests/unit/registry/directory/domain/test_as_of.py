"""What "as of a day" means, and which days may be asked about."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kit.errors import ValidationFailed
from kit.jst import JST
from services.registry.directory.domain.as_of import EARLIEST_AS_OF, check_as_of, end_of_day_jst, today_jst

TODAY = date(2026, 11, 30)


def test_end_of_day_is_the_next_midnight_in_japan() -> None:
    cutoff = end_of_day_jst(date(2026, 3, 31))
    assert cutoff == datetime(2026, 4, 1, tzinfo=JST)
    assert cutoff.astimezone(UTC) == datetime(2026, 3, 31, 15, tzinfo=UTC)


def test_today_is_japans_today() -> None:
    assert today_jst(datetime(2026, 11, 30, 15, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert today_jst(datetime(2026, 11, 30, 14, 59, tzinfo=UTC)) == date(2026, 11, 30)


@pytest.mark.parametrize("day", [EARLIEST_AS_OF, date(2024, 3, 31), date(2026, 4, 1), TODAY])
def test_supported_days(day: date) -> None:
    check_as_of(day, TODAY)


@pytest.mark.parametrize("day", [date.min, date(1, 1, 1), date(2015, 12, 31), date(2026, 12, 1),
                                 date(9999, 12, 31), date.max])
def test_days_outside_the_range_are_a_field_problem(day: date) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_as_of(day, TODAY)
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("as_of", "out_of_range")
    assert "2016-01-01" in problem.ja and "2026-11-30" in problem.ja and "日本時間" in problem.ja
    assert "2016-01-01" in problem.en and "2026-11-30" in problem.en
