"""The projections API: where each read model is in the streams. Operators only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.console.projections import service
from services.console.projections.schemas import CheckpointRead
from services.console.web import Deps, Operator

router = APIRouter(tags=["projections"])


@router.get("/projections", response_model=list[CheckpointRead])
async def projections(deps: Deps, who: Operator) -> Any:
    """Per event type the console has applied: its stream, the highest stream sequence applied, how
    many were applied and when the last one was. `kakawari console rebuild` starts them again."""
    return await service.status(uow=deps.uow, naming=deps.naming)
