"""Café series and calendars' HTTP API: operators create and publish a series; everyone reads it
and subscribes to its feed; an attendee downloads their `.ics` by their signed link."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kit.web.openapi import problems
from services.forum.calendar import service
from services.forum.calendar.domain.ics import content_type
from services.forum.calendar.schemas import SeriesCreate, SeriesRead
from services.forum.events.schemas import EventRead
from services.forum.web import Caller, Deps, Limit, MaybeCaller, Offset

router = APIRouter(tags=["calendar"])
CALENDAR: dict[int | str, dict[str, Any]] = {
    200: {"description": "An iCalendar file (RFC 5545).", "content": {"text/calendar": {}}}}


def _read(view: service.SeriesView, base_url: str) -> SeriesRead:
    s = view.series
    return SeriesRead(id=s.id, title=s.title, description=s.description, rrule=s.rrule,
                      first_starts_at=s.first_starts_at, duration_minutes=s.duration_minutes, capacity=s.capacity,
                      mode=s.mode, status=s.status, created_at=s.created_at,
                      feed_url=service.feed_url(base_url, s.id, webcal=True),
                      dates=[EventRead.model_validate(e) for e in view.dates])


@router.post("/series", response_model=SeriesRead, status_code=201, responses=problems(401, 403))
async def create_series(body: SeriesCreate, deps: Deps, who: Caller) -> Any:
    """Create a café series (operators): one date per occurrence of its RRULE, each with its own
    capacity; published at once unless `publish` is false. Move or cancel one date with
    `PATCH /events/{id}` and `POST /events/{id}/cancel`."""
    return _read(await service.create(uow=deps.uow, actor=who, body=body), deps.links.base_url)


@router.get("/series", response_model=list[SeriesRead])
async def list_series(deps: Deps, who: MaybeCaller, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Series by first date, each with its dates."""
    found = await service.listed(uow=deps.uow, viewer=who, limit=limit, offset=offset)
    return [_read(view, deps.links.base_url) for view in found]


@router.get("/series/{series_id}", response_model=SeriesRead, responses=problems(404))
async def get_series(series_id: UUID, deps: Deps, who: MaybeCaller) -> Any:
    """A series with its dates (moved and cancelled ones as they are now) and its feed's address."""
    return _read(await service.read(uow=deps.uow, series_id=series_id, viewer=who), deps.links.base_url)


@router.post("/series/{series_id}/publish", response_model=SeriesRead, responses=problems(401, 403, 404))
async def publish_series(series_id: UUID, deps: Deps, who: Caller) -> Any:
    """Publish a draft series and its draft dates (operators)."""
    return _read(await service.publish(uow=deps.uow, actor=who, series_id=series_id), deps.links.base_url)


@router.get("/series/{series_id}/calendar.ics", response_class=Response, responses={**CALENDAR, **problems(404)})
async def series_feed(series_id: UUID, deps: Deps) -> Response:
    """The series' subscribable calendar: every date, moved ones at their new time with a higher
    SEQUENCE, cancelled ones with STATUS:CANCELLED."""
    body = await service.series_feed(uow=deps.uow, series_id=series_id, base_url=deps.links.base_url)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": f'inline; filename="series-{series_id}.ics"'})


@router.get("/signups/manage/{token}/calendar.ics", response_class=Response, responses={**CALENDAR, **problems(404)})
async def signup_calendar(token: str, deps: Deps) -> Response:
    """The signup's event as an `.ics` with an alarm, by the signed manage link. Never the join
    URL: the manage page shows it to confirmed attendees shortly before the start."""
    found = await service.signup_calendar(uow=deps.uow, links=deps.links, token=token)
    return Response(found.body, media_type=content_type("PUBLISH"),
                    headers={"content-disposition": f'attachment; filename="{found.filename}"',
                             "cache-control": "private, no-store"})
