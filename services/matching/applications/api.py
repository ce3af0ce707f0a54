"""Applications' HTTP API: a signed-in helper applies to a published program, first come with a
waitlist, sees and withdraws their own applications; the program's host (its member's staff, or
an operator) lists the applicants and accepts or declines them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from kit.web.openapi import problems
from services.matching.applications import service
from services.matching.applications.domain.rules import HostAction
from services.matching.applications.schemas import ApplicantRead, ApplicationRead
from services.matching.web import Caller, Deps, Limit, Offset

router = APIRouter(tags=["applications"])


@router.post("/programs/{program_id}/applications", response_model=ApplicationRead, status_code=201,
             responses={200: {"description": "You had applied already: that application is returned."},
                        **problems(401, 404, 409)})
async def apply(program_id: UUID, deps: Deps, who: Caller, response: Response) -> Any:
    """Apply, first come: `accepted` (a place) or `waitlisted` (with the place in line). Needs a
    helper profile (PUT /helpers/me)."""
    outcome = await service.apply(uow=deps.uow, who=who, program_id=program_id, base_url=deps.base_url)
    if not outcome.created:
        response.status_code = 200
    return outcome.application


@router.get("/programs/{program_id}/applications", response_model=list[ApplicantRead],
            responses=problems(401, 404))
async def list_applicants(program_id: UUID, deps: Deps, who: Caller, limit: Limit = 100, offset: Offset = 0) -> Any:
    """The program's applicants, for its host: places first, then the line in order."""
    return await service.applicants(uow=deps.uow, actor=who, program_id=program_id, limit=limit, offset=offset)


@router.get("/applications", response_model=list[ApplicationRead], responses=problems(401))
async def my_applications(deps: Deps, who: Caller) -> Any:
    """Your applications, soonest program first, with your place in line while waiting."""
    return await service.mine(uow=deps.uow, who=who, base_url=deps.base_url)


@router.get("/applications/{application_id}", response_model=ApplicationRead, responses=problems(401, 404))
async def get_application(application_id: UUID, deps: Deps, who: Caller) -> Any:
    return await service.one(uow=deps.uow, who=who, application_id=application_id, base_url=deps.base_url)


@router.post("/applications/{application_id}/withdraw", response_model=ApplicationRead,
             responses=problems(401, 404, 409))
async def withdraw(application_id: UUID, deps: Deps, who: Caller) -> Any:
    """Withdraw your application: your place goes to the next in line."""
    return await service.withdraw(uow=deps.uow, who=who, application_id=application_id, base_url=deps.base_url)


@router.post("/applications/{application_id}/accept", response_model=ApplicantRead,
             responses=problems(401, 404, 409))
async def accept(application_id: UUID, deps: Deps, who: Caller) -> Any:
    """Host: seat a waiting applicant. First come still holds: free places go to the front of the
    line first; then the applicant takes a place kept back from first come (`reserved`), if any."""
    return await service.decide(uow=deps.uow, actor=who, application_id=application_id, action=HostAction.accept,
                                base_url=deps.base_url)


@router.post("/applications/{application_id}/decline", response_model=ApplicantRead,
             responses=problems(401, 404, 409))
async def decline(application_id: UUID, deps: Deps, who: Caller) -> Any:
    """Host: decline an applicant; their place goes to the next in line."""
    return await service.decide(uow=deps.uow, actor=who, application_id=application_id, action=HostAction.decline,
                                base_url=deps.base_url)
