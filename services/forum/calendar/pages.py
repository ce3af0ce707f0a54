"""A café series' page: its dates in JST, each linked to its event, and the feed to subscribe to."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kit.jst import JST
from services.forum.calendar import service
from services.forum.web import Page

router = APIRouter(include_in_schema=False)
WEEKDAYS = (("月", "Mon"), ("火", "Tue"), ("水", "Wed"), ("木", "Thu"), ("金", "Fri"), ("土", "Sat"), ("日", "Sun"))


@router.get("/series/{series_id}")
async def series_page(series_id: UUID, page: Page) -> Response:
    view = await service.read(uow=page.deps.uow, series_id=series_id, viewer=page.who)
    base_url = page.deps.links.base_url
    rows = [{"event": e, "weekday": WEEKDAYS[e.starts_at.astimezone(JST).weekday()],
             "left": max(0, e.capacity - e.reserved - e.confirmed - e.held)} for e in view.dates]
    return page.page("calendar/series.html", series=view.series, rows=rows,
                     webcal=service.feed_url(base_url, series_id, webcal=True),
                     feed=service.feed_url(base_url, series_id))
