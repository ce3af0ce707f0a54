"""The console's front page, `/console/`: each dashboard's headline figures as of a day, each
linking to its dashboard. It reads the slices' own figures; it counts nothing itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from services.console.dashboard import dashboard
from services.console.overview import service
from services.console.web import AsOf, ConsolePage, Page

router = APIRouter(include_in_schema=False)


@router.get("/", response_model=None)
async def overview(page: Page, as_of: AsOf = None) -> Response:
    """Local governments and organisations, small bases against the target, upcoming gatherings,
    participations, and notifications sent and failed."""
    return await dashboard(page, "overview/overview.html", read, as_of=as_of)


async def read(page: ConsolePage, as_of: date | None, now: datetime) -> dict[str, Any]:
    shown = await service.overview(uow=page.deps.uow, as_of=as_of, now=now)
    return {name: figures for name, figures in shown if name not in ("as_of", "read_at")}  # show() sets those
