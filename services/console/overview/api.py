"""The overview over HTTP, operators only: every dashboard's figures as of one day."""

from __future__ import annotations

from fastapi import APIRouter

from kit.web.openapi import problems
from services.console.overview import service
from services.console.overview.schemas import Overview
from services.console.web import AsOf, Deps, Operator

router = APIRouter(tags=["overview"])


@router.get("/overview", response_model=Overview, responses=problems(401, 403))
async def overview(deps: Deps, who: Operator, as_of: AsOf = None) -> Overview:
    """The figures of every business dashboard as of the day (today in JST if not given): members,
    small bases, gatherings, programs and notifications. Counts only facts dated before that day ended."""
    return await service.overview(uow=deps.uow, as_of=as_of)
