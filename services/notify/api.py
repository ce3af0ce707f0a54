"""notify's HTTP API: the signed-in person's inbox, and the delivery log for operators."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from services.notify import service
from services.notify.bootstrap import NotifyDeps
from services.notify.models import DeliveryState
from services.notify.schemas import (
    DeliveryAttemptRead,
    DeliveryLog,
    DeliveryRead,
    MarkedRead,
    NotificationPage,
    NotificationRead,
)

router = APIRouter()
Deps = Annotated[NotifyDeps, Depends(dependency(NotifyDeps))]
Caller = Annotated[Principal, Depends(principal)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=100_000)]


@router.get("/notifications", response_model=NotificationPage, tags=["inbox"])
async def my_notifications(deps: Deps, who: Caller, limit: Limit = 50, offset: Offset = 0) -> Any:
    """The caller's inbox, newest first, with the total and unread counts."""
    page = await service.list_inbox(uow=deps.uow, recipient=who.email, limit=limit, offset=offset)
    return NotificationPage(items=[NotificationRead.model_validate(i) for i in page.items], total=page.total,
                            unread=page.unread)


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead, tags=["inbox"])
async def read_notification(notification_id: UUID, deps: Deps, who: Caller) -> Any:
    """Mark one of the caller's notifications read."""
    return await service.mark_read(uow=deps.uow, recipient=who.email, notification_id=notification_id)


@router.post("/notifications/read", response_model=MarkedRead, tags=["inbox"])
async def read_all_notifications(deps: Deps, who: Caller) -> Any:
    """Mark every unread notification of the caller's read."""
    return MarkedRead(marked=await service.mark_all_read(uow=deps.uow, recipient=who.email))


@router.get("/deliveries", response_model=list[DeliveryRead], tags=["deliveries"])
async def list_deliveries(deps: Deps, who: Caller, state: DeliveryState | None = None, limit: Limit = 50,
                          offset: Offset = 0) -> Any:
    """Email deliveries, newest first, optionally by state (operators only)."""
    return await service.list_deliveries(uow=deps.uow, viewer=who, state=state.value if state else None,
                                         limit=limit, offset=offset)


@router.get("/deliveries/{delivery_id}", response_model=DeliveryLog, tags=["deliveries"])
async def delivery_log(delivery_id: UUID, deps: Deps, who: Caller) -> Any:
    """One delivery and its log: every try, its outcome and when the next is due (operators only)."""
    delivery, attempts = await service.delivery_log(uow=deps.uow, viewer=who, delivery_id=delivery_id)
    return DeliveryLog(**DeliveryRead.model_validate(delivery).model_dump(),
                       log=[DeliveryAttemptRead.model_validate(a) for a in attempts])
