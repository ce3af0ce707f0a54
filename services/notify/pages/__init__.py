"""notify's pages: the signed-in person's inbox, and the development mailbox."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kit.errors import NotFound
from kit.web.deps import dependency
from kit.web.pages import render
from kit.web.sessions import signed_in
from services.notify import service
from services.notify.bootstrap import NotifyDeps

router = APIRouter(include_in_schema=False)
Deps = Annotated[NotifyDeps, Depends(dependency(NotifyDeps))]
PAGE_SIZE = 30


@router.get("/inbox", response_model=None)
async def inbox(request: Request, deps: Deps, page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    """The signed-in person's notifications, newest first; sign in first otherwise."""
    who = signed_in(deps.sessions.load(request))
    if who is None:
        return RedirectResponse("/registry/login?next=/notify/inbox", status_code=303)
    found = await service.list_inbox(uow=deps.uow, recipient=who.email, limit=PAGE_SIZE,
                                     offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return HTMLResponse(render(request, "notify/inbox.html", inbox=found, page=page, pages=pages, who=who))


@router.get("/dev/mailbox", response_model=None)
async def dev_mailbox(request: Request, deps: Deps, format: str = "html") -> Any:
    """Mail the built-in SMTP sink received (all-in-one development only)."""
    sink = deps.smtp_sink
    if sink is None:
        raise NotFound(ja="開発用メールボックスは無効です（SMTP_URL 設定時）。",
                       en="The development mailbox is off (SMTP_URL is set).")
    messages = list(reversed(sink.messages))
    if format == "json":
        return [m.__dict__ | {"received_at": m.received_at.isoformat()} for m in messages]
    return HTMLResponse(render(request, "notify/mailbox.html", messages=messages))
