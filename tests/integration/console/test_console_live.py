"""The dashboards' live stream, `GET /console/live`, behind a real uvicorn (a stream has no end for
httpx's ASGI transport to wait for): an event the console applies is announced as `changed` with
the number of events applied; a burst is one announcement a second, not one per event; what
another replica applied (in the database only, no wake-up here) is announced within a few seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest

from kit.contracts import registry
from kit.db.types import utcnow
from kit.web.auth import OPERATOR
from services.console.changes.service import MIN_GAP_S, POLL_S
from services.console.models import Checkpoint
from tests.integration.notify.test_inbox_live import Event, Served, events, serve
from tests.support.events import publish
from tests.support.platform import RunningPlatform
from tests.support.sessions import person, session_cookie

Platform = Callable[..., AbstractAsyncContextManager[RunningPlatform]]


@pytest.fixture
async def served(platform_factory: Platform) -> AsyncIterator[Served]:
    async with serve(platform_factory, services=["console"]) as running:
        yield running


async def applied_elsewhere(platform: RunningPlatform, count: int) -> None:
    """What another console replica's handler commits: a checkpoint moved, and nobody woken here."""
    async with platform["console"].uow() as tx:
        tx.session.add(Checkpoint(event_type=f"test.{uuid4().hex}.v1", producer="test", sequence=1, applied=count,
                                  updated_at=utcnow()))
        await tx.commit()


async def within(stream: AsyncIterator[Event], seconds: float) -> Event:
    return await asyncio.wait_for(anext(stream), seconds)


async def test_the_stream_announces_each_change_at_most_once_a_second(served: Served) -> None:
    platform = served.platform
    live = platform["console"].deps.live
    codec = platform["console"].deps.sessions
    cookie, _ = session_cookie(codec, person("ops@example.jp", OPERATOR))
    async with (httpx.AsyncClient(base_url=served.base_url, cookies={codec.cookie: cookie}, timeout=10) as http,
                http.stream("GET", "/console/live", headers={"accept": "text/event-stream"}) as response):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        stream = events(response)

        # An event the console applies: its handler's commit wakes the stream.
        await publish(platform, registry.MemberApplied(
            member_id=uuid4(), name="飛騨市", kind="municipality", status="submitted", prefecture_code="21",
            municipality_code="212172", at=datetime(2026, 4, 1, tzinfo=UTC)))
        assert await within(stream, 10) == ("changed", 1)

        # A burst of 20 over half a second: announced a second apart at most, the last with them all.
        loop = asyncio.get_running_loop()
        for _ in range(20):
            await applied_elsewhere(platform, 1)
            live.changed()
            await asyncio.sleep(0.025)
        seen = [(loop.time(), await within(stream, 5))]
        while seen[-1][1] != ("changed", 21):
            seen.append((loop.time(), await within(stream, 5)))
        assert len(seen) <= 2
        assert all(b - a >= MIN_GAP_S * 0.9 for (a, _), (b, _) in zip(seen, seen[1:], strict=False))

        # Another replica's events: only the database knows; the stream looks every few seconds.
        await applied_elsewhere(platform, 5)
        assert await within(stream, POLL_S + MIN_GAP_S + 2) == ("changed", 26)

    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as anonymous:
        nobody = await anonymous.get("/console/live", headers={"accept": "text/event-stream"})
        assert nobody.status_code == 401
        assert nobody.headers["content-type"].startswith("application/problem+json")
