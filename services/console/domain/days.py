"""Days and weeks in JST for figures "over the last N days": which day a fact falls on, the window
of days ending on the day asked for, and the weeks (Monday to Sunday) that window spans. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kit.jst import JST

DEFAULT_DAYS = 30  # the window a dashboard shows unless asked for another
MAX_DAYS = 366


def day_of(at: datetime) -> date:
    """The JST day an instant falls on."""
    return at.astimezone(JST).date()


def window(last: date, days: int) -> list[date]:
    """The `days` days ending on `last` (included), oldest first."""
    return [last - timedelta(days=n) for n in range(days - 1, -1, -1)]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """A week (Monday `week`) of a window, clipped to it: `starts_on`..`ends_on` are the days counted."""

    week: date
    starts_on: date
    ends_on: date


def weeks(days: Iterable[date]) -> list[Week]:
    """The weeks the days span, oldest first, each clipped to the days given."""
    found: dict[date, list[date]] = {}
    for day in sorted(days):
        found.setdefault(monday(day), []).append(day)
    return [Week(week=key, starts_on=spanned[0], ends_on=spanned[-1]) for key, spanned in found.items()]
