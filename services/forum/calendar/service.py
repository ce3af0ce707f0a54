"""Café series and calendars' use cases: create a series (one event per date of its RRULE, each
with its own seats), publish it, read it; one signup's `.ics` by its signed link; a series' feed.

Moving or cancelling one date is the events slice's PATCH and cancel: they raise the date's
SEQUENCE, which the feed and every `.ics` carry, so calendars replace their copy."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from kit.errors import NotFound, ValidationFailed
from kit.jst import jst
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.forum.calendar import repository
from services.forum.calendar.domain import ics, recurrence
from services.forum.calendar.schemas import SeriesCreate
from services.forum.events import service as events
from services.forum.events.domain.rules import Kind, Status, problems
from services.forum.links import SignupLinks
from services.forum.models import Event, Series
from services.forum.signups.service import signup_from_token

PUBLIC = (Status.published, Status.cancelled)


@dataclass(frozen=True)
class SeriesView:
    series: Series
    dates: list[Event]


@dataclass(frozen=True)
class IcsFile:
    body: bytes
    filename: str


def feed_url(base_url: str, series_id: UUID, *, webcal: bool = False) -> str:
    url = f"{base_url.rstrip('/')}/forum/api/v1/series/{series_id}/calendar.ics"
    return "webcal://" + url.split("://", 1)[1] if webcal else url


def event_url(base_url: str, event_id: UUID) -> str:
    return f"{base_url.rstrip('/')}/forum/events/{event_id}"


def occurrence(event: Event, base_url: str) -> ics.Occurrence:
    return ics.Occurrence(event_id=event.id, title=event.title, starts_at=event.starts_at, ends_at=event.ends_at,
                          sequence=event.sequence, cancelled=event.status == Status.cancelled, online=event.online,
                          venue=event.venue, url=event_url(base_url, event.id))


async def create(*, uow: UnitOfWorkFactory, actor: Principal, body: SeriesCreate) -> SeriesView:
    """The series and one café event per date, each with its own seat counters; every date
    announced (`forum.event.published`) in the same transaction when published."""
    actor.require_operator()
    # dateutil walks day by day through a rule that never matches: keep that off the event loop
    expansion = await asyncio.to_thread(recurrence.expand, body.rrule, body.first_starts_at)
    found = list(expansion.problems)
    closes_before = timedelta(hours=body.lottery_closes_hours) if body.lottery_closes_hours else None
    duration = timedelta(minutes=body.duration_minutes)
    if not found:
        first = expansion.starts[0]
        found = [replace(p, field="lottery_closes_hours") if p.field == "lottery_closes_at" else p
                 for p in problems(kind=Kind.cafe, starts_at=first, ends_at=first + duration,
                                   capacity=body.capacity, mode=body.mode, first_come_seats=body.first_come_seats,
                                   lottery_closes_at=first - closes_before if closes_before else None, reserved=0,
                                   block=None)]
    if found:
        raise ValidationFailed(found)
    now = utcnow()
    status = Status.published if body.publish else Status.draft
    series = Series(id=new_event_id(), title=body.title, description=body.description, rrule=expansion.rule,
                    first_starts_at=expansion.starts[0], duration_minutes=body.duration_minutes,
                    capacity=body.capacity, mode=body.mode, join_url=body.join_url, status=status, created_at=now,
                    updated_at=now)
    dates = [Event(
        id=new_event_id(), series_id=series.id, kind=Kind.cafe, title=body.title, description=body.description,
        block=None, venue=None, online=True, join_url=body.join_url, join_opens_minutes=body.join_opens_minutes,
        starts_at=start, ends_at=start + duration, capacity=body.capacity, reserved=0, per_org_cap=body.per_org_cap,
        confirmed=0, held=0, waitlisted=0, waitlist_seq=0, mode=body.mode, first_come_seats=body.first_come_seats,
        lottery_closes_at=start - closes_before if closes_before else None, hold_hours=body.hold_hours,
        offer_hours=body.offer_hours, reconfirm_hours=None, slot_minutes=15, status=status, sequence=0,
        created_at=now, updated_at=now) for start in expansion.starts]
    async with uow() as tx:
        tx.session.add(series)
        await tx.session.flush()  # the series row first: its dates refer to it
        tx.session.add_all(dates)
        await tx.session.flush()
        for event in dates:
            await events.added(tx, event)
        await tx.commit()
    return SeriesView(series, dates)


async def publish(*, uow: UnitOfWorkFactory, actor: Principal, series_id: UUID) -> SeriesView:
    """Publish a draft series: its draft dates open for signups (cancelled ones stay cancelled)."""
    actor.require_operator()
    async with uow() as tx:
        series = await _series(tx.session, series_id, viewer=actor)
        dates = await repository.dates(tx.session, series_id, statuses=tuple(Status))
        now = utcnow()
        for event in dates:
            if event.status == Status.draft:
                event.status, event.updated_at = Status.published, now
                await events.published(tx, event)
        if series.status == Status.draft:
            series.status, series.updated_at = Status.published, now
        await tx.commit()
    return SeriesView(series, dates)


async def read(*, uow: UnitOfWorkFactory, series_id: UUID, viewer: Principal | None) -> SeriesView:
    """A series with its dates; a draft only for operators."""
    operator = viewer is not None and viewer.is_operator
    async with uow.read() as session:
        series = await _series(session, series_id, viewer=viewer)
        dates = await repository.dates(session, series_id, statuses=tuple(Status) if operator else PUBLIC)
    return SeriesView(series, dates)


async def listed(*, uow: UnitOfWorkFactory, viewer: Principal | None, limit: int, offset: int) -> list[SeriesView]:
    statuses = tuple(Status) if viewer is not None and viewer.is_operator else PUBLIC
    async with uow.read() as session:
        found = await repository.listed(session, statuses=statuses, limit=limit, offset=offset)
        dates = await repository.dates_of(session, [s.id for s in found], statuses=statuses)
    return [SeriesView(s, dates.get(s.id, [])) for s in found]


async def series_feed(*, uow: UnitOfWorkFactory, series_id: UUID, base_url: str) -> bytes:
    """Every public date of a published series: moved ones at their new time, cancelled ones
    marked so, each with its SEQUENCE."""
    async with uow.read() as session:
        series = await _series(session, series_id, viewer=None)
        dates = await repository.dates(session, series_id, statuses=PUBLIC)
    return ics.feed_ics([occurrence(e, base_url) for e in dates], name=series.title, stamp=utcnow(),
                        description=series.description)


async def signup_calendar(*, uow: UnitOfWorkFactory, links: SignupLinks, token: str) -> IcsFile:
    """The signed link's signup as one calendar entry (METHOD:PUBLISH), with its alarm."""
    signup_id = signup_from_token(links, token)
    async with uow.read() as session:
        found = await repository.signup_with_event(session, signup_id)
    if found is None:
        raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
    signup, event = found
    body = ics.event_ics(occurrence(event, links.base_url), stamp=utcnow(), signup_status=signup.status,
                         manage_url=links.manage_url(signup.id), locale=signup.locale,
                         join_opens_minutes=event.join_opens_minutes)
    return IcsFile(body, f"kakawari-{jst(event.starts_at, '%Y%m%d-%H%M')}.ics")


async def _series(session: AsyncSession, series_id: UUID, *, viewer: Principal | None) -> Series:
    series = await repository.series(session, series_id)
    if series is None or (series.status == Status.draft and not (viewer is not None and viewer.is_operator)):
        raise NotFound(ja="シリーズが見つかりません。", en="Series not found.")
    return series
