"""Participation's HTTP API: a program's host confirms who came; everyone reads a municipality's
relation depth as of a day (counts only, no person)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from kit.web.openapi import problems
from services.matching.participation import service
from services.matching.participation.schemas import (
    FIRST_AS_OF,
    LAST_AS_OF,
    DepthRead,
    ParticipationCreate,
    ParticipationRead,
)
from services.matching.web import Caller, Deps

router = APIRouter(tags=["participation"])
Code = Annotated[str, Path(pattern=r"^\d{6}$", description="全国地方公共団体コード")]
AsOf = Annotated[date | None, Query(description="YYYY-MM-DD (JST); today if not given", ge=FIRST_AS_OF,
                                    le=LAST_AS_OF)]


@router.post("/programs/{program_id}/participations", response_model=ParticipationRead, status_code=201,
             responses={200: {"description": "Already recorded: nothing changed."}, **problems(401, 404, 409)})
async def confirm_participation(program_id: UUID, body: ParticipationCreate, deps: Deps, who: Caller,
                                response: Response) -> Any:
    """Confirm that a person came to your program on a day (`matching.participation.recorded.v1`,
    and `matching.relation.stage_changed.v1` when their relation to the municipality deepens)."""
    answer, created = await service.confirm(uow=deps.uow, actor=who, program_id=program_id, body=body,
                                            base_url=deps.base_url)
    if not created:
        response.status_code = 200
    return answer


@router.get("/municipalities/{municipality_code}/depth", response_model=DepthRead, responses=problems(404))
async def municipality_depth(municipality_code: Code, deps: Deps, as_of: AsOf = None) -> Any:
    """Programs, participations (延べ), unique people, repeat rate and the stage funnel (集める →
    深める → つなげる), counting only facts dated on or before `as_of`."""
    return await service.depth(uow=deps.uow, municipality_code=municipality_code, as_of=as_of)
