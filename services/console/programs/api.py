"""The programs' figures over HTTP, operators only: JSON, and the same as a CSV file for Excel."""

from __future__ import annotations

from fastapi import APIRouter, Response

from kit.contracts.base import Locale
from kit.web.openapi import problems
from services.console.programs import service
from services.console.programs.schemas import ProgramFigures
from services.console.web import CSV_RESPONSES, AsOf, Deps, Operator, csv_answer

router = APIRouter(tags=["programs"])


@router.get("/programs", response_model=ProgramFigures, responses=problems(401, 403))
async def program_figures(deps: Deps, who: Operator, as_of: AsOf = None) -> ProgramFigures:
    """Programs published by the day, participations (延べ) dated by then, unique people and repeat rate,
    in all and per municipality, and the relations funnel 集める → 深める → つなげる. Counts only facts
    dated by `as_of` (today in JST if not given)."""
    return await service.figures(uow=deps.uow, as_of=as_of)


@router.get("/programs.csv", response_class=Response, responses=CSV_RESPONSES)
async def program_csv(deps: Deps, who: Operator, as_of: AsOf = None, lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel, headers and labels in `lang`."""
    return csv_answer("programs", *await service.figures_csv(uow=deps.uow, as_of=as_of, locale=lang))
