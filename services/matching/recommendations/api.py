"""Recommendations' HTTP API: "for you" for the signed-in helper; candidates and scouts for a
program's host (its member's staff, or an operator)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from kit.web.openapi import problems
from services.matching.recommendations import service
from services.matching.recommendations.schemas import CandidateRead, RecommendedProgram, ScoutCreate, ScoutRead
from services.matching.web import Caller, Deps

router = APIRouter(tags=["recommendations"])
Top = Annotated[int, Query(ge=1, le=50, description="How many results")]


@router.get("/recommendations/programs", response_model=list[RecommendedProgram], responses=problems(401, 404))
async def recommended_programs(deps: Deps, who: Caller, k: Top = 10) -> Any:
    """Published programs for you, best first, each with why: skills matched, distance, dates in
    common, a past relation to the region. The same data gives the same answer."""
    return await service.for_you(uow=deps.uow, recommender=deps.recommender, who=who, base_url=deps.base_url, k=k)


@router.get("/programs/{program_id}/candidates", response_model=list[CandidateRead], responses=problems(401, 404))
async def program_candidates(program_id: UUID, deps: Deps, who: Caller, k: Top = 10) -> Any:
    """People to invite to your program, best first with the reasons, only among those who agreed
    to be scouted."""
    return await service.candidates(uow=deps.uow, recommender=deps.recommender, actor=who, program_id=program_id,
                                    k=k)


@router.post("/programs/{program_id}/scouts", response_model=ScoutRead, status_code=201,
             responses=problems(401, 404, 409))
async def send_scout(program_id: UUID, body: ScoutCreate, deps: Deps, who: Caller) -> Any:
    """Invite a person who agreed to be scouted (`matching.scout.sent.v1`); once per person and program."""
    return await service.scout(uow=deps.uow, recommender=deps.recommender, actor=who, program_id=program_id,
                               body=body, base_url=deps.base_url)
