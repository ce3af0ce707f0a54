"""The inbox's HTTP API: the caller's own notifications only."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from kit.web.openapi import problems
from services.notify.bootstrap import NotifyDeps
from services.notify.inbox import service
from services.notify.inbox.schemas import MarkedRead, NotificationPage, NotificationRead, UnreadCount

router = APIRouter(tags=["inbox"])
Deps = Annotated[NotifyDeps, Depends(dependency(NotifyDeps))]
Caller = Annotated[Principal, Depends(principal)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=100_000)]


@router.get("/notifications", response_model=NotificationPage, responses=problems(401))
async def my_notifications(deps: Deps, who: Caller, limit: Limit = 50, offset: Offset = 0) -> Any:
    """The caller's inbox, newest first, with the total and unread counts."""
    page = await service.list_inbox(uow=deps.uow, recipient=who.email.lower(), limit=limit, offset=offset)
    return NotificationPage(items=[NotificationRead.model_validate(i) for i in page.items], total=page.total,
                            unread=page.unread)


@router.get("/notifications/unread", response_model=UnreadCount, responses=problems(401))
async def my_unread_count(deps: Deps, who: Caller) -> Any:
    """How many of the caller's notifications are unread."""
    total, unread = await service.counts(uow=deps.uow, recipient=who.email.lower())
    return UnreadCount(total=total, unread=unread)


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead, responses=problems(401, 404))
async def read_notification(notification_id: UUID, deps: Deps, who: Caller) -> Any:
    """Mark one of the caller's notifications read."""
    return await service.mark_read(uow=deps.uow, live=deps.live, recipient=who.email.lower(),
                                   notification_id=notification_id)


@router.post("/notifications/read", response_model=MarkedRead, responses=problems(401))
async def read_all_notifications(deps: Deps, who: Caller) -> Any:
    """Mark every unread notification of the caller's read."""
    return MarkedRead(marked=await service.mark_all_read(uow=deps.uow, live=deps.live, recipient=who.email.lower()))
