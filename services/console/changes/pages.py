"""The dashboards' live updates: `GET /console/live`, Server-Sent Events saying `changed` whenever
the read models moved. ./static/live.js then fetches the page again with the same query and swaps
its content, so charts and tables follow the events without a reload.

A script's request: anybody but a signed-in operator gets a problem (401 or 403), not a redirect.
sse-starlette ends the stream when the client disconnects or the server shuts down; the generator
is closed then and holds no database session in between.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing

from fastapi import APIRouter
from fastapi.responses import Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from services.console.bootstrap import ConsoleDeps
from services.console.changes import service
from services.console.dashboard import signed_in_operator
from services.console.web import Page

router = APIRouter(include_in_schema=False)
PING_S = 15  # a comment line this often keeps proxies from closing a quiet stream
SEND_TIMEOUT_S = 30  # a client that takes no data for this long is dropped
RETRY_MS = 5000  # how soon the browser reconnects after the stream breaks


@router.get("/live", response_model=None)
async def live(page: Page) -> Response:
    """`changed` (data: the number of events applied) each time the figures moved, at most once a second."""
    signed_in_operator(page)
    return EventSourceResponse(announcements(page.deps), ping=PING_S, send_timeout=SEND_TIMEOUT_S,
                               headers={"cache-control": "no-store"})


async def announcements(deps: ConsoleDeps) -> AsyncIterator[ServerSentEvent]:
    yield ServerSentEvent(comment="listening", retry=RETRY_MS)  # headers out now: the page knows it is live
    async with aclosing(service.changes(uow=deps.uow, live=deps.live)) as moves:  # stops with the stream
        async for applied in moves:
            yield ServerSentEvent(data=str(applied), event="changed")
