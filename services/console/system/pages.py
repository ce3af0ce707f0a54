"""The system dashboard's page, operators only: `/console/system`, and its replay buttons."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.console.system.web import EntryId, Monitor
from services.console.web import Page

router = APIRouter(include_in_schema=False)
PAGE = "/console/system"


@router.get("/system", response_model=None)
async def system(page: Page, monitor: Monitor,
                 replayed: Annotated[str, Query(max_length=20)] = "") -> Response:
    """Services, consumers and dead letters on one page; `replayed`: the dead letter just replayed."""
    if page.require_operator() is None:
        return page.login_redirect()
    # In the console's frame without an as-of day: the system is only ever shown as it is now.
    return page.page("system/system.html", system=await monitor.overview(),
                     replayed=replayed if replayed.isdigit() else None)


@router.post("/system/dead-letters/{entry_id}/replay", response_model=None)
async def replay(entry_id: EntryId, page: Page, monitor: Monitor) -> Response:
    who = page.require_operator()
    if who is None:
        return page.login_redirect(back=PAGE)
    await page.form()  # the CSRF check
    await monitor.replay(entry_id, who)
    return page.redirect(f"{PAGE}?replayed={entry_id}#dead-letters")
