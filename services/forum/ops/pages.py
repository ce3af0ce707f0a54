"""The operators' pages (事務局): events with fill rate and waitlist length, kept current by
Server-Sent Events; one event's attendees, booths to decide on, links to its check-in desk and
lottery audit; and the attendee CSV. Operators only: anyone else signed in gets a 403, nobody
signed in is sent to sign in.

The stream polls the seat counters (a few integer columns, one short read) every `POLL_S`
seconds and sends only when they changed, so it sees the decisions of every replica and
holds no database session while it waits. ./static/ops.js applies what it sends.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from kit.errors import Unauthorized
from kit.jst import jst
from services.forum.booths import service as booths
from services.forum.booths.domain.rules import STATUS_LABELS as BOOTH_LABELS
from services.forum.bootstrap import ForumDeps
from services.forum.events.domain.rules import BLOCKS, KIND_LABELS
from services.forum.ops import service
from services.forum.ops.domain.rules import SIGNUP_LABELS, fill_rate, prefecture
from services.forum.web import ForumPage, Page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 200
POLL_S = 2.0  # how often an open stream re-reads the counters
PING_S = 15  # a comment line this often keeps proxies from closing a quiet stream
SEND_TIMEOUT_S = 30  # a client that takes no data for this long is dropped
RETRY_MS = 5000  # how soon the browser reconnects after the stream breaks
SHARED: dict[str, Any] = {"fill_rate": fill_rate, "kinds": KIND_LABELS, "blocks": BLOCKS}


@router.get("/ops/events", response_model=None)
async def events(page: Page) -> Response:
    """Every upcoming and recent event with its fill rate and waitlist, live."""
    if page.require_operator() is None:
        return page.login_redirect()
    return page.page("ops/events.html", events=await service.overview(uow=page.deps.uow), **SHARED)


@router.get("/ops/events/stream", response_model=None)
async def stream(page: Page, event: Annotated[UUID | None, Query()] = None) -> Response:
    """Server-Sent Events: `counts` with {"events": [{id, status, capacity, confirmed, held,
    waitlisted, fill}]} at once and whenever a count changes; `event` narrows it to one."""
    if page.require_operator() is None:  # a script's request: 401, not a redirect to sign in
        raise Unauthorized()
    return EventSourceResponse(counts(page.deps, event), ping=PING_S, send_timeout=SEND_TIMEOUT_S,
                               headers={"cache-control": "no-store"})


async def counts(deps: ForumDeps, event_id: UUID | None) -> AsyncIterator[ServerSentEvent]:
    last: list[dict[str, object]] | None = None
    while True:
        now = await service.live_counts(uow=deps.uow, event_id=event_id)
        if now != last:
            last = now
            yield ServerSentEvent(data=json.dumps({"events": now}, separators=(",", ":")), event="counts",
                                  retry=RETRY_MS)
        await asyncio.sleep(POLL_S)


@router.get("/ops/events/{event_id}", response_model=None)
async def event_page(event_id: UUID, page: Page,
                     n: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1) -> Response:
    """One event: counts, attendance, booths to approve, attendees (paged), and links."""
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    found = await service.detail(uow=page.deps.uow, operator=who, event_id=event_id, limit=PAGE_SIZE,
                                 offset=(n - 1) * PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return page.page("ops/event.html", d=found, event=found.event, page=n, pages=pages, labels=SIGNUP_LABELS,
                     booth_labels=BOOTH_LABELS, prefecture=prefecture, **SHARED)


@router.get("/ops/events/{event_id}/attendees.csv", response_model=None)
async def attendees_csv(event_id: UUID, page: Page) -> Response:
    """Every signup as CSV for Excel: UTF-8 with a BOM, Japanese headers, JST times."""
    if page.require_operator() is None:
        return page.login_redirect()
    event, body = await service.attendees_csv(uow=page.deps.uow, event_id=event_id)
    name = f"attendees-{jst(event.starts_at, '%Y%m%d')}-{event.id.hex[:8]}.csv"
    return page.finish(Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"}))


@router.post("/ops/booths/{booth_id}/approve", response_model=None)
async def approve_booth(booth_id: UUID, page: Page) -> Response:
    """Approve a booth from the event page (it is then listed publicly); back to the page."""
    return await _decide(page, booth_id, approve=True)


@router.post("/ops/booths/{booth_id}/reject", response_model=None)
async def reject_booth(booth_id: UUID, page: Page) -> Response:
    return await _decide(page, booth_id, approve=False)


async def _decide(page: ForumPage, booth_id: UUID, *, approve: bool) -> Response:
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    await page.form()  # the CSRF check
    booth = await booths.decide_on(uow=page.deps.uow, actor=who, booth_id=booth_id, approve=approve)
    return page.redirect(f"/forum/ops/events/{booth.event_id}#booths")
