"""Rounds' HTTP API: operators open and run rounds and read their quality reports; people rank a
round's programs and see where they were placed; hosts rank the people who listed their program."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from kit.web.openapi import problems
from services.matching.rounds.schemas import (
    ApplicantsRead,
    RankingSubmit,
    RoundCreate,
    RoundRead,
    WishRead,
    WishSubmit,
)
from services.matching.rounds.service import opening, rankings, running
from services.matching.web import Caller, Deps, Limit, MaybeCaller, Offset

router = APIRouter(prefix="/rounds", tags=["rounds"])


@router.post("", response_model=RoundRead, status_code=201, responses=problems(401, 403))
async def open_round(body: RoundCreate, deps: Deps, who: Caller) -> Any:
    """Open a round over published programs (operators). The seed's SHA-256 is published now, the
    seed itself at the run; hosts' score ties are decided by it."""
    return await opening.open_round(uow=deps.uow, actor=who, body=body, base_url=deps.base_url)


@router.get("", response_model=list[RoundRead])
async def list_rounds(deps: Deps, who: MaybeCaller, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Rounds, newest first (quality reports only for operators)."""
    return await opening.listed(uow=deps.uow, viewer=who, limit=limit, offset=offset, base_url=deps.base_url)


@router.get("/{round_id}", response_model=RoundRead, responses=problems(404))
async def get_round(round_id: UUID, deps: Deps, who: MaybeCaller) -> Any:
    return await opening.detail(uow=deps.uow, viewer=who, round_id=round_id, base_url=deps.base_url)


@router.post("/{round_id}/run", response_model=RoundRead, responses=problems(401, 403, 404))
async def run_round(round_id: UUID, deps: Deps, who: Caller) -> Any:
    """Allocate (operators): the placements, the quality report and the seed become final, each
    person placed is announced as accepted, and the round as completed. Running again changes nothing."""
    return await running.run(uow=deps.uow, actor=who, round_id=round_id, base_url=deps.base_url)


@router.put("/{round_id}/wishes/me", response_model=WishRead, responses=problems(401, 404, 409))
async def submit_wishes(round_id: UUID, body: WishSubmit, deps: Deps, who: Caller) -> Any:
    """Rank the round's programs, your first choice first (a helper profile is needed); again to change it."""
    return await rankings.submit_wishes(uow=deps.uow, who=who, round_id=round_id, body=body)


@router.get("/{round_id}/wishes/me", response_model=WishRead, responses=problems(401, 404))
async def my_wishes(round_id: UUID, deps: Deps, who: Caller) -> Any:
    """Your ranking, and where the round placed you once it has run."""
    return await rankings.my_wishes(uow=deps.uow, who=who, round_id=round_id)


@router.get("/{round_id}/programs/{program_id}/applicants", response_model=ApplicantsRead,
            responses=problems(401, 404))
async def list_applicants(round_id: UUID, program_id: UUID, deps: Deps, who: Caller) -> Any:
    """The people who listed your program, in your ranking's order (the program's member, or operators)."""
    return await rankings.applicants(uow=deps.uow, actor=who, round_id=round_id, program_id=program_id)


@router.put("/{round_id}/programs/{program_id}/ranking", response_model=ApplicantsRead,
            responses=problems(401, 404, 409))
async def rank_applicants(round_id: UUID, program_id: UUID, body: RankingSubmit, deps: Deps, who: Caller) -> Any:
    """Rank your program's applicants by hand (`manual`, best first), or by the score (`score`)."""
    return await rankings.rank(uow=deps.uow, actor=who, round_id=round_id, program_id=program_id, body=body)
