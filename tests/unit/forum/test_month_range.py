"""The month filter of the event list (API and page): a JST month as [start, end). Pure."""

from __future__ import annotations

from datetime import datetime

from kit.jst import JST
from services.forum.events.domain.rules import month_range


def test_a_month_is_its_jst_days_and_december_rolls_over() -> None:
    assert month_range("2026-11") == (datetime(2026, 11, 1, tzinfo=JST), datetime(2026, 12, 1, tzinfo=JST))
    assert month_range("2026-12") == (datetime(2026, 12, 1, tzinfo=JST), datetime(2027, 1, 1, tzinfo=JST))


def test_anything_else_is_no_filter() -> None:
    assert month_range("") is None and month_range("2026-13") is None and month_range("nov") is None
