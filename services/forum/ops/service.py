"""The operators' views: events with fill rate and waitlist (read again and again by the live
stream, so it reads only the counters), one event's attendees and booths, and its CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from kit.errors import NotFound
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.forum.booths import service as booths
from services.forum.booths.schemas import BoothRead
from services.forum.checkin.domain.rules import Attendance
from services.forum.checkin.service import attendance_of
from services.forum.models import Event, Signup
from services.forum.ops import repository
from services.forum.ops.domain.rules import CSV_HEADERS, attendee_row, fill_rate

RECENT = timedelta(days=30)  # ended events stay on the list this long (attendance, no-shows, CSV)
MAX_EVENTS = 300
BOM = "\ufeff"  # Excel opens a UTF-8 CSV as UTF-8 only with it


@dataclass(frozen=True)
class Detail:
    event: Event
    attendance: Attendance
    signups: list[Signup]
    positions: dict[UUID, int]  # waitlist place of each waiting signup
    total: int
    booths: list[BoothRead]


def since(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - RECENT


async def overview(*, uow: UnitOfWorkFactory) -> list[Event]:
    async with uow.read() as session:
        return await repository.events_since(session, since(), limit=MAX_EVENTS)


async def live_counts(*, uow: UnitOfWorkFactory, event_id: UUID | None = None) -> list[dict[str, Any]]:
    """Each listed event's seat counters and fill rate, as the stream sends them. One short read:
    no session stays open between polls."""
    async with uow.read() as session:
        rows = await repository.counters(session, since=since(), event_id=event_id, limit=MAX_EVENTS)
    return [{"id": str(id), "status": status, "capacity": capacity, "confirmed": confirmed, "held": held,
             "waitlisted": waitlisted, "fill": round(fill_rate(confirmed=confirmed, held=held, capacity=capacity), 4)}
            for id, status, capacity, confirmed, held, waitlisted in rows]


async def detail(*, uow: UnitOfWorkFactory, operator: Principal, event_id: UUID, limit: int, offset: int) -> Detail:
    """One event for its operators: attendance, a page of signups with waitlist places, and
    every booth application."""
    async with uow.read() as session:
        event = await _event(session, event_id)
        attendance = await attendance_of(session, event)
        signups = await repository.signups(session, event_id, limit=limit, offset=offset)
        total = await repository.signup_count(session, event_id)
        positions = {signup_id: i for i, (signup_id, _) in
                     enumerate(await repository.waitlist_tickets(session, event_id), start=1)}
    applications = await booths.listed(uow=uow, viewer=operator, event_id=event_id)
    return Detail(event, attendance, signups, positions, total, applications)


async def attendees_csv(*, uow: UnitOfWorkFactory, event_id: UUID) -> tuple[Event, bytes]:
    """Every signup of the event, oldest first, as CSV for Excel: UTF-8 with a BOM, CRLF line
    ends, Japanese headers, times in JST, and no cell Excel would run as a formula."""
    async with uow.read() as session:
        event = await _event(session, event_id)
        signups = await repository.signups(session, event_id)
        positions = {signup_id: i for i, (signup_id, _) in
                     enumerate(await repository.waitlist_tickets(session, event_id), start=1)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADERS)
    for s in signups:
        writer.writerow(attendee_row(
            id=str(s.id), status=s.status, name=s.name, name_kana=s.name_kana, affiliation=s.affiliation,
            prefecture_code=s.prefecture_code, email=s.email, waitlist_position=positions.get(s.id),
            checkin_code=s.checkin_code, checked_in_at=s.checked_in_at, created_at=s.created_at,
            cancelled_at=s.cancelled_at))
    return event, (BOM + out.getvalue()).encode("utf-8")


async def _event(session: AsyncSession, event_id: UUID) -> Event:
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(ja="イベントが見つかりません。", en="Event not found.")
    return event
