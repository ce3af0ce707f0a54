"""Booths' HTTP API: a member admin of an intermediary organization applies, operators approve
or reject, everyone reads the approved ones."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from kit.web.openapi import problems
from services.forum.booths import service
from services.forum.booths.schemas import BoothCreate, BoothRead
from services.forum.web import Caller, Deps, MaybeCaller

router = APIRouter(tags=["booths"])


@router.post("/events/{event_id}/booths", response_model=BoothRead, status_code=201, responses={
    200: {"description": "This member has applied already: that application is returned."},
    **problems(401, 403, 404, 409)})
async def apply(event_id: UUID, body: BoothCreate, deps: Deps, who: Caller, response: Response) -> Any:
    """Apply for a booth at a block forum: a member admin of an intermediary support organisation
    (中間支援組織, the registry's kind `intermediary`), for their own member. Other kinds get a 403."""
    booth, created = await service.apply(uow=deps.uow, actor=who, event_id=event_id, body=body)
    if not created:
        response.status_code = 200
    return booth


@router.get("/events/{event_id}/booths", response_model=list[BoothRead], responses=problems(401, 404))
async def list_booths(event_id: UUID, deps: Deps, who: MaybeCaller) -> Any:
    """Approved booths; operators see every application, a member also its own."""
    return await service.listed(uow=deps.uow, viewer=who, event_id=event_id)


@router.post("/booths/{booth_id}/approve", response_model=BoothRead, responses=problems(401, 403, 404))
async def approve(booth_id: UUID, deps: Deps, who: Caller) -> Any:
    """Approve a booth (operators): it is listed on the event page."""
    return await service.decide_on(uow=deps.uow, actor=who, booth_id=booth_id, approve=True)


@router.post("/booths/{booth_id}/reject", response_model=BoothRead, responses=problems(401, 403, 404))
async def reject(booth_id: UUID, deps: Deps, who: Caller) -> Any:
    """Reject a booth application, or withdraw an approval (operators)."""
    return await service.decide_on(uow=deps.uow, actor=who, booth_id=booth_id, approve=False)
