"""The inbox page for the signed-in person: mark one or all read, and live counts (Server-Sent Events).

Without JavaScript the buttons are forms that post here and come back to the page (303).
With it, ./static/inbox.js posts the same forms with `Accept: application/json`, marks the
item read in place, and keeps the unread count (and the badge and title) current from
`GET /notify/inbox/stream`, which also tells the page when a new notification arrives.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from kit.errors import Unauthorized
from kit.web.auth import Principal
from services.notify.bootstrap import NotifyDeps
from services.notify.inbox import service
from services.notify.web import NotifyPage, Page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 30
PING_S = 15  # a comment line this often keeps proxies from closing a quiet stream
SEND_TIMEOUT_S = 30  # a client that takes no data for this long is dropped
RETRY_MS = 5000  # how soon the browser reconnects after the stream breaks

@router.get("/inbox", response_model=None)
async def inbox(page: Page, n: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1) -> Response:
    """The signed-in person's notifications, newest first; sign in first otherwise."""
    if (who := page.who) is None:
        return page.login_redirect()
    found = await service.list_inbox(uow=page.deps.uow, recipient=who.email.lower(), limit=PAGE_SIZE,
                                     offset=(n - 1) * PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return page.page("inbox/inbox.html", inbox=found, page=n, pages=pages)


@router.post("/inbox/read-all", response_model=None)
async def read_all(page: Page) -> Response:
    """Mark every unread notification of the signed-in person read."""
    if (who := _signed_in(page)) is None:
        return page.login_redirect()
    form = await page.form()
    recipient = who.email.lower()
    marked = await service.mark_all_read(uow=page.deps.uow, live=page.deps.live, recipient=recipient)
    if page.wants_json:
        return await _counts_reply(page.deps, recipient, marked=marked)
    return _back_to_inbox(page, form)


@router.post("/inbox/{notification_id}/read", response_model=None)
async def read_one(notification_id: UUID, page: Page) -> Response:
    """Mark one of the signed-in person's notifications read (404 for anyone else's)."""
    if (who := _signed_in(page)) is None:
        return page.login_redirect()
    form = await page.form()
    recipient = who.email.lower()
    read = await service.mark_read(uow=page.deps.uow, live=page.deps.live, recipient=recipient,
                                   notification_id=notification_id)
    if page.wants_json:
        read_at = read.read_at.isoformat() if read.read_at else None
        return await _counts_reply(page.deps, recipient, id=str(read.id), read_at=read_at)
    return _back_to_inbox(page, form)


@router.get("/inbox/stream", response_model=None)
async def inbox_stream(page: Page) -> Response:
    """Server-Sent Events: `unread` with {"unread": n, "total": m} on connect and whenever it changes."""
    if (who := page.who) is None:
        raise Unauthorized()
    return EventSourceResponse(unread_events(page.deps, who.email.lower()), ping=PING_S,
                               send_timeout=SEND_TIMEOUT_S)


async def unread_events(deps: NotifyDeps, recipient: str) -> AsyncIterator[ServerSentEvent]:
    """One `unread` event per change of the counts. Each read is its own short transaction:
    no database session stays open while the stream waits."""

    async def read() -> tuple[int, int]:
        return await service.counts(uow=deps.uow, recipient=recipient)

    async for total, unread in deps.live.updates(recipient, read):
        yield ServerSentEvent(data=json.dumps({"unread": unread, "total": total}), event="unread",
                              retry=RETRY_MS)


def _signed_in(page: NotifyPage) -> Principal | None:
    """The signed-in person; a script asking for JSON gets a 401 instead of a redirect."""
    who = page.who
    if who is None and page.wants_json:
        raise Unauthorized()
    return who



async def _counts_reply(deps: NotifyDeps, recipient: str, **fields: Any) -> Response:
    total, unread = await service.counts(uow=deps.uow, recipient=recipient)
    return JSONResponse({**fields, "unread": unread, "total": total})


def _back_to_inbox(page: NotifyPage, form: Mapping[str, str]) -> Response:
    raw = form.get("page", "")
    n = min(int(raw), 10_000) if raw.isascii() and raw.isdigit() and len(raw) <= 5 else 1
    return page.redirect("/notify/inbox" + (f"?page={n}" if n > 1 else ""))
