"""The gatherings dashboard's HTTP API, operators only: its figures as of a day as JSON, and the
same as a CSV file for Excel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kit.contracts.base import Locale
from kit.web.openapi import problems
from services.console.domain.days import DEFAULT_DAYS, MAX_DAYS
from services.console.gatherings import service
from services.console.gatherings.schemas import GatheringFigures
from services.console.web import CSV_RESPONSES, AsOf, Deps, Operator, csv_answer

router = APIRouter(tags=["gatherings"])
Days = Annotated[int, Query(ge=1, le=MAX_DAYS, description="signups per day over this many days ending on `as_of`")]


@router.get("/gatherings", response_model=GatheringFigures, responses=problems(401, 403))
async def gatherings(deps: Deps, who: Operator, as_of: AsOf = None, days: Days = DEFAULT_DAYS) -> GatheringFigures:
    """Upcoming forums and cafés with their seats (confirmed, held, waitlisted, fill rate), new
    signups per day and week, and attendance at the ended ones, counting only facts dated before
    the end (JST) of `as_of` (today if not given)."""
    return await service.figures(uow=deps.uow, as_of=as_of, days=days)


@router.get("/gatherings.csv", response_class=Response, responses=CSV_RESPONSES)
async def gatherings_csv(deps: Deps, who: Operator, as_of: AsOf = None, days: Days = DEFAULT_DAYS,
                         lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel: headers and labels in `lang`, times in JST."""
    return csv_answer("gatherings", *await service.figures_csv(uow=deps.uow, as_of=as_of, days=days, locale=lang))
