"""Small bases' HTTP API: register and list a member's bases; the public figures."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from services.registry.small_bases import service
from services.registry.small_bases.schemas import SmallBaseCreate, SmallBaseRead, SmallBaseStats
from services.registry.web.deps import Caller, Deps

router = APIRouter(tags=["small bases"])


@router.post("/members/{member_id}/small-bases", response_model=SmallBaseRead, status_code=201)
async def register_small_base(member_id: UUID, body: SmallBaseCreate, deps: Deps, who: Caller) -> Any:
    return await service.register_base(uow=deps.uow, gazetteer=deps.gazetteer, member_id=member_id, actor=who,
                                       data=body)


@router.get("/members/{member_id}/small-bases", response_model=list[SmallBaseRead])
async def list_small_bases(member_id: UUID, deps: Deps, who: Caller) -> Any:
    return await service.list_bases(uow=deps.uow, member_id=member_id, viewer=who)


@router.get("/small-bases/stats", response_model=SmallBaseStats)
async def small_base_stats(deps: Deps) -> SmallBaseStats:
    """All registered bases, those run by an RMO, per prefecture, beside the national target and survey."""
    return await service.base_stats(uow=deps.uow)
