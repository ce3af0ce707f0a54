"""Participation's page: a municipality's relation depth as of a chosen day, its funnel in a table."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from services.matching.participation import service
from services.matching.participation.schemas import FIRST_AS_OF, LAST_AS_OF
from services.matching.web import Page

router = APIRouter(include_in_schema=False)


@router.get("/municipalities/{municipality_code}/depth", response_model=None)
async def depth_page(municipality_code: str, page: Page, as_of: str = "") -> Response:
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        day = None  # a mistyped date shows today's figures, and the selector says which day they are
    if day is not None and not FIRST_AS_OF <= day <= LAST_AS_OF:
        day = None
    depth = await service.depth(uow=page.deps.uow, municipality_code=municipality_code, as_of=day)
    return page.page("participation/depth.html", depth=depth)
