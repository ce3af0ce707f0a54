"""notify's HTTP API: the signed-in person's inbox, and the development mailbox."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from kit.errors import NotFound
from kit.runtime import ServiceRuntime
from kit.web.auth import Principal
from kit.web.deps import principal, runtime
from kit.web.pages import render
from services.notify import service
from services.notify.schemas import NotificationPage, NotificationRead

router = APIRouter(tags=["inbox"])
pages = APIRouter(include_in_schema=False)


@router.get("/notifications", response_model=NotificationPage)
async def my_notifications(rt: ServiceRuntime = Depends(runtime), who: Principal = Depends(principal)) -> Any:
    items, unread = await service.list_inbox(uow=rt.uow, recipient=who.email)
    return NotificationPage(items=[NotificationRead.model_validate(i) for i in items], unread=unread)


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead)
async def read_notification(notification_id: UUID, rt: ServiceRuntime = Depends(runtime),
                            who: Principal = Depends(principal)) -> Any:
    return await service.mark_read(uow=rt.uow, recipient=who.email, notification_id=notification_id)


@pages.get("/dev/mailbox", response_model=None)
async def dev_mailbox(request: Request, format: str = "html", rt: ServiceRuntime = Depends(runtime)) -> Any:
    sink = rt.extras.get("smtp_sink")
    if sink is None:
        raise NotFound(ja="開発用メールボックスは無効です（SMTP_URL 設定時）。",
                       en="The development mailbox is off (SMTP_URL is set).")
    messages = list(reversed(sink.messages))
    if format == "json":
        return [m.__dict__ | {"received_at": m.received_at.isoformat()} for m in messages]
    return HTMLResponse(render(request, "notify/mailbox.html", messages=messages))
