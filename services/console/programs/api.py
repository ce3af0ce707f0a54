"""The programs' figures over HTTP, operators only: JSON, and the same as a CSV file for Excel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from kit.contracts.base import Locale
from kit.web.openapi import problems
from services.console.domain import csv
from services.console.programs import service
from services.console.programs.schemas import ProgramFigures
from services.console.web import AsOf, Deps, Operator

router = APIRouter(tags=["programs"])
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The dashboard as CSV (UTF-8 with a BOM), one section per table.",
          "content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.get("/programs", response_model=ProgramFigures, responses=problems(401, 403))
async def program_figures(deps: Deps, who: Operator, as_of: AsOf = None) -> ProgramFigures:
    """Programs published by the day, participations (延べ) dated by then, unique people and repeat rate,
    in all and per municipality, and the relations funnel 集める → 深める → つなげる. Counts only facts
    dated by `as_of` (today in JST if not given)."""
    return await service.figures(uow=deps.uow, as_of=as_of)


@router.get("/programs.csv", response_class=Response, responses={**CSV_RESPONSE, **problems(401, 403)})
async def program_csv(deps: Deps, who: Operator, as_of: AsOf = None, lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel, headers and labels in `lang`."""
    day, body = await service.figures_csv(uow=deps.uow, as_of=as_of, locale=lang)
    return Response(body, media_type=csv.MEDIA_TYPE, headers=csv.attachment(csv.filename("programs", day)))
