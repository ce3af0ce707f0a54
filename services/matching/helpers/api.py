"""Helpers' HTTP API: the signed-in person's own profile, favourite regions, consent to be
scouted and data export, all under /helpers/me; and the stated purpose of use, for everyone."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from kit.web.openapi import problems
from services.matching.helpers import service
from services.matching.helpers.schemas import (
    FavouriteCreate,
    FavouriteRead,
    HelperExport,
    HelperProfile,
    HelperRead,
    PurposeRead,
)
from services.matching.web import Caller, Deps

router = APIRouter(tags=["helpers"])
Code = Annotated[str, Path(pattern=r"^\d{6}$", description="全国地方公共団体コード")]


@router.get("/helpers/purpose", response_model=PurposeRead)
async def get_purpose() -> Any:
    """What a helper's data is used for (APPI), with its version: shown before anyone agrees."""
    return service.stated_purpose()


@router.get("/helpers/me", response_model=HelperRead, responses=problems(401, 404))
async def get_profile(deps: Deps, who: Caller) -> Any:
    return await service.profile(uow=deps.uow, who=who)


@router.put("/helpers/me", response_model=HelperRead, responses={201: {"description": "The profile was created."},
                                                                 **problems(401)})
async def put_profile(body: HelperProfile, deps: Deps, who: Caller, response: Response) -> Any:
    """Create or replace your helper profile; agreeing to the stated purpose is required."""
    answer, created = await service.save(uow=deps.uow, who=who, body=body)
    if created:
        response.status_code = 201
    return answer


@router.post("/helpers/me/favourites", response_model=FavouriteRead, status_code=201,
             responses=problems(401, 404))
async def add_favourite(body: FavouriteCreate, deps: Deps, who: Caller) -> Any:
    """Register with a municipality as one of its 関係人口 (like a fan club)."""
    return await service.add_favourite(uow=deps.uow, who=who, municipality_code=body.municipality_code)


@router.delete("/helpers/me/favourites/{municipality_code}", status_code=204, responses=problems(401, 404))
async def remove_favourite(municipality_code: Code, deps: Deps, who: Caller) -> Response:
    await service.remove_favourite(uow=deps.uow, who=who, municipality_code=municipality_code)
    return Response(status_code=204)


@router.post("/helpers/me/scout-consent", response_model=HelperRead, responses=problems(401, 404))
async def give_scout_consent(deps: Deps, who: Caller) -> Any:
    """Agree to be found and invited by programs' hosts (timestamped)."""
    return await service.scouting(uow=deps.uow, who=who, consent=True)


@router.delete("/helpers/me/scout-consent", response_model=HelperRead, responses=problems(401, 404))
async def withdraw_scout_consent(deps: Deps, who: Caller) -> Any:
    """Withdraw consent to be scouted (timestamped): you are no longer suggested to hosts."""
    return await service.scouting(uow=deps.uow, who=who, consent=False)


@router.get("/helpers/me/export", response_model=HelperExport, responses=problems(401, 404))
async def export_data(deps: Deps, who: Caller) -> Any:
    """Everything matching holds about you, as JSON."""
    return await service.export(uow=deps.uow, who=who)
