"""Events' HTTP API: operators create, publish, change and cancel; everyone reads."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from kit.web.openapi import problems
from services.forum.events import service
from services.forum.events.domain.rules import Kind, month_range
from services.forum.events.schemas import EventCreate, EventRead, EventUpdate
from services.forum.web import Caller, Deps, Limit, MaybeCaller, Offset

router = APIRouter(tags=["events"])
Month = Annotated[str | None, Query(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM, in JST")]


@router.post("/events", response_model=EventRead, status_code=201, responses=problems(401, 403))
async def create_event(body: EventCreate, deps: Deps, who: Caller) -> Any:
    """Create an event (operators); published at once unless `publish` is false."""
    return await service.create(uow=deps.uow, actor=who, body=body)


@router.get("/events", response_model=list[EventRead])
async def list_events(deps: Deps, who: MaybeCaller, kind: Kind | None = None,
                      block: Annotated[str | None, Query(max_length=32)] = None, month: Month = None,
                      limit: Limit = 100, offset: Offset = 0) -> Any:
    """Events by start, filtered by kind, block and month (JST)."""
    start, end = month_range(month or "") or (None, None)
    return await service.listed(uow=deps.uow, viewer=who, kind=kind, block=block, start=start, end=end,
                                limit=limit, offset=offset)


@router.get("/events/{event_id}", response_model=EventRead, responses=problems(404))
async def get_event(event_id: UUID, deps: Deps, who: MaybeCaller) -> Any:
    """An event with its seat counts: capacity, confirmed, held and waitlisted."""
    return await service.read(uow=deps.uow, event_id=event_id, viewer=who)


@router.patch("/events/{event_id}", response_model=EventRead, responses=problems(401, 403, 404, 409))
async def update_event(event_id: UUID, body: EventUpdate, deps: Deps, who: Caller) -> Any:
    """Change an event (operators). More capacity promotes the waitlist; less is refused below
    the seats taken."""
    return await service.update(uow=deps.uow, links=deps.links, actor=who, event_id=event_id, body=body)


@router.post("/events/{event_id}/publish", response_model=EventRead, responses=problems(401, 403, 404, 409))
async def publish_event(event_id: UUID, deps: Deps, who: Caller) -> Any:
    return await service.publish(uow=deps.uow, actor=who, event_id=event_id)


@router.post("/events/{event_id}/cancel", response_model=EventRead, responses=problems(401, 403, 404))
async def cancel_event(event_id: UUID, deps: Deps, who: Caller) -> Any:
    """Cancel an event (operators): every signup is cancelled and told."""
    return await service.cancel(uow=deps.uow, links=deps.links, actor=who, event_id=event_id)
