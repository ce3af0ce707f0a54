"""What "as of a day" means for every figure: everything that happened before that day ended in
Japan. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from kit.jst import JST


def today_jst(now: datetime) -> date:
    return now.astimezone(JST).date()


def cutoff(day: date) -> datetime:
    """The instant (UTC) the day ends in JST: facts at or after it are not yet true on `day`."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=JST).astimezone(UTC)


def resolve(day: date | None, now: datetime) -> tuple[date, datetime]:
    """The day asked for (today in JST when none), and its cutoff."""
    chosen = day or today_jst(now)
    return chosen, cutoff(chosen)
