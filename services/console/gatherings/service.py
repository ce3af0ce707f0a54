"""The gatherings dashboard's use cases: its figures as of a day, as the API and pages show them,
and as a CSV file. Read-only: one short read of the console's projections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.console.domain import csv
from services.console.domain.as_of import resolve
from services.console.domain.days import DEFAULT_DAYS
from services.console.gatherings import repository
from services.console.gatherings.domain import figures as domain
from services.console.gatherings.domain.export import export
from services.console.gatherings.domain.labels import ONLINE_NO_CHECK_IN, kind_label
from services.console.gatherings.schemas import (
    AttendanceRow,
    AttendanceTotals,
    GatheringFigures,
    KindSeats,
    SignupDay,
    SignupWeek,
    UpcomingGathering,
)


async def _figures(uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None, days: int) -> domain.Figures:
    day, cutoff = resolve(as_of, now or utcnow())
    async with uow.read() as session:
        gatherings = await repository.gatherings(session, cutoff)
        facts = await repository.signup_facts(session, cutoff)
    return domain.figures(gatherings=gatherings, facts=facts, as_of=day, cutoff=cutoff, days=days)


def _gathering(g: domain.Gathering) -> dict[str, Any]:
    """GatheringRead's fields, for the rows that carry them (validated once, by the row built with them)."""
    ja, en = kind_label(g.kind)
    return {"id": g.id, "kind": g.kind, "kind_ja": ja, "kind_en": en, "title": g.title, "starts_at": g.starts_at,
            "ends_at": g.ends_at, "online": g.online, "venue": g.venue, "capacity": g.capacity}


def read(found: domain.Figures) -> GatheringFigures:
    """The figures as the API returns them."""
    totals = found.attendance_totals
    return GatheringFigures(
        as_of=found.as_of, cutoff=found.cutoff, days=len(found.signups_by_day),
        upcoming=[UpcomingGathering(**_gathering(s.gathering), confirmed=s.confirmed, held=s.held,
                                    waitlisted=s.waitlisted, fill_rate=s.fill_rate) for s in found.upcoming],
        by_kind=[KindSeats(kind=k.kind, kind_ja=kind_label(k.kind)[0], kind_en=kind_label(k.kind)[1],
                           gatherings=k.gatherings, capacity=k.capacity, confirmed=k.confirmed, held=k.held,
                           waitlisted=k.waitlisted, fill_rate=k.fill_rate) for k in found.by_kind],
        new_signups=found.new_signups,
        signups_by_day=[SignupDay(day=d.day, signups=d.signups) for d in found.signups_by_day],
        signups_by_week=[SignupWeek(week=w.week.week, starts_on=w.week.starts_on, ends_on=w.week.ends_on,
                                    signups=w.signups) for w in found.signups_by_week],
        attendance=[AttendanceRow(**_gathering(a.gathering), confirmed=a.confirmed, check_in=a.checked_in is not None,
                                  checked_in=a.checked_in, no_shows=a.no_shows, attendance_rate=a.attendance_rate,
                                  note_ja=None if a.checked_in is not None else ONLINE_NO_CHECK_IN[0],
                                  note_en=None if a.checked_in is not None else ONLINE_NO_CHECK_IN[1])
                    for a in found.attendance],
        attendance_totals=AttendanceTotals(in_person=totals.in_person, online=totals.online,
                                           confirmed=totals.confirmed, checked_in=totals.checked_in,
                                           no_shows=totals.no_shows, attendance_rate=totals.attendance_rate),
    )


async def figures(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None,
                  days: int = DEFAULT_DAYS) -> GatheringFigures:
    """The gatherings dashboard as of `as_of` (today in JST when None; `now` is today's clock):
    only facts dated before that day's end count. Signups per day and week over the `days` days
    ending on it."""
    return read(await _figures(uow, as_of, now, days))


async def figures_csv(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None,
                      days: int = DEFAULT_DAYS, locale: str = "ja") -> tuple[date, bytes]:
    """(the day, the CSV file) of the same figures: UTF-8 with a BOM, for Excel."""
    return csv.dated(await _figures(uow, as_of, now, days), export, locale)
