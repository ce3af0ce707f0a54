"""The lottery's HTTP API: the public audit record, and an operator's draw."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from kit.web.openapi import problems
from services.forum.lottery import service
from services.forum.lottery.schemas import DrawRequest, LotteryRead
from services.forum.web import Caller, Deps, MaybeCaller

router = APIRouter(tags=["lottery"])


@router.get("/events/{event_id}/lottery", response_model=LotteryRead, responses=problems(404))
async def get_lottery(event_id: UUID, deps: Deps, who: MaybeCaller) -> Any:
    """The audit record: the algorithm and the seed's hash from the start; after the draw the
    seed, the entrants (signup ids, in the order they entered) and the winners."""
    record, _ = await service.audit(uow=deps.uow, event_id=event_id, viewer=who)
    return record


@router.post("/events/{event_id}/lottery/draw", response_model=LotteryRead, responses=problems(401, 403, 404, 409))
async def draw_lottery(event_id: UUID, deps: Deps, who: Caller, body: DrawRequest | None = None) -> Any:
    """Draw now (operators). Before the closing time only with `force`, which closes the
    lottery at once. Drawing a drawn lottery returns its record unchanged."""
    return await service.draw_now(uow=deps.uow, links=deps.links, actor=who, event_id=event_id,
                                  force=bool(body and body.force))
