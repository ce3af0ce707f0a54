"""Scheduled work's HTTP API: an attendee reconfirms by signed link."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kit.web.openapi import problems
from services.forum.schedule import service
from services.forum.schedule.schemas import ReconfirmRead
from services.forum.web import Deps

router = APIRouter(tags=["signups"])


@router.post("/signups/manage/{token}/reconfirm", response_model=ReconfirmRead, responses=problems(404, 409))
async def reconfirm(token: str, deps: Deps) -> Any:
    """Confirm you are still coming to an in-person forum; without it, at the deadline your seat
    goes to the waitlist. Reconfirming again changes nothing."""
    return await service.reconfirm(uow=deps.uow, links=deps.links, token=token)
