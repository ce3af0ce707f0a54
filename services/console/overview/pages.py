"""The console's front page, `/console/`: each dashboard's headline figures as of a day, each
linking to its dashboard. It reads the slices' own figures; it counts nothing itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from services.console.dashboard import dashboard
from services.console.gatherings import service as gatherings
from services.console.network import service as network
from services.console.notifications import service as notifications
from services.console.programs import service as programs
from services.console.web import AsOf, ConsolePage, Page

router = APIRouter(include_in_schema=False)


@router.get("/", response_model=None)
async def overview(page: Page, as_of: AsOf = None) -> Response:
    """Local governments and organisations, small bases against the target, upcoming gatherings,
    participations, and notifications sent and failed."""
    return await dashboard(page, "overview/overview.html", read, as_of=as_of)


async def read(page: ConsolePage, as_of: date | None, now: datetime) -> dict[str, Any]:
    uow = page.deps.uow
    return {"network": await network.figures(uow=uow, as_of=as_of, now=now),
            "small_bases": await network.small_base_figures(uow=uow, as_of=as_of, now=now),
            "gatherings": await gatherings.figures(uow=uow, as_of=as_of, now=now),
            "programs": await programs.figures(uow=uow, as_of=as_of, now=now),
            "notifications": await notifications.figures(uow=uow, as_of=as_of, now=now)}
