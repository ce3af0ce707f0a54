"""The inbox page's routes and its live stream (Server-Sent Events).

The stream runs behind a real uvicorn (httpx's ASGI transport waits for a response's end, and a
stream has none): connect, read the first `unread` event, mark one read through the API and the
next event has one fewer; a new notification raises the total; a closed stream stops watching.
The forms: 303 back to the page without JavaScript, JSON when asked, CSRF-checked, nobody
else's notification. Both databases, real NATS.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from uuid import UUID

import httpx
import pytest

from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from services.notify.models import Notification
from tests.browser.conftest import free_port
from tests.support.platform import RunningPlatform
from tests.support.servers import uvicorn_serving
from tests.support.sessions import bearer, person, session_cookie

API = "/notify/api/v1"
READER = "reader@example.jp"
Event = tuple[str, dict[str, int]]


@dataclass
class Served:
    platform: RunningPlatform
    base_url: str


@asynccontextmanager
async def serve(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]],
                **options: object) -> AsyncIterator[Served]:
    """The platform behind a real uvicorn on a free port, on the test's event loop."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The port too: the console reaches every service (its /readyz and /metrics) at this address.
    async with (platform_factory(tweak=lambda s: replace(s, public_base_url=base, port=port), **options) as running,
                uvicorn_serving(running.app, port)):
        yield Served(running, base)


@pytest.fixture
async def served(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[Served]:
    async with serve(platform_factory, services=["notify"]) as running:
        yield running


async def add_notifications(platform: RunningPlatform, recipient: str, count: int) -> list[UUID]:
    """`count` unread notifications, a minute apart, the last the newest; open streams are told."""
    start, ids = utcnow() - timedelta(hours=1), []
    async with platform["notify"].uow() as tx:
        for i in range(count):
            nid = new_event_id()
            tx.session.add(Notification(id=nid, recipient=recipient, locale="ja", subject=f"お知らせ {i}",
                                        body="本文", source_event_id=new_event_id(),
                                        created_at=start + timedelta(minutes=i)))
            ids.append(nid)
        await tx.commit()
    platform["notify"].deps.live.changed(recipient)
    return ids


async def events(response: httpx.Response) -> AsyncIterator[Event]:
    """The stream's events as (name, JSON data); comments (the pings) skipped."""
    name, data = "message", ""
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield name, json.loads(data)
            name, data = "message", ""
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


async def next_event(stream: AsyncIterator[Event]) -> Event:
    return await asyncio.wait_for(anext(stream), 5)


async def eventually(check: Callable[[], bool], seconds: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_the_stream_sends_the_count_at_once_then_each_change(served: Served) -> None:
    platform, live = served.platform, served.platform["notify"].deps.live
    ids = await add_notifications(platform, READER, 3)
    cookie, csrf = session_cookie(platform["notify"].deps.sessions, person(READER))
    async with httpx.AsyncClient(base_url=served.base_url, cookies={"kakawari_session": cookie}, timeout=10) as http:
        async with http.stream("GET", "/notify/inbox/stream", headers={"accept": "text/event-stream"}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["cache-control"] == "no-store"
            stream = events(response)
            assert await next_event(stream) == ("unread", {"unread": 3, "total": 3})
            assert live.watching(READER) == 1

            marked = await platform.client.post(f"{API}/notifications/{ids[0]}/read", headers=bearer(READER))
            assert marked.status_code == 200
            assert await next_event(stream) == ("unread", {"unread": 2, "total": 3})

            # Someone else's inbox changing sends nothing here; a new one of mine raises the total.
            await add_notifications(platform, "other@example.jp", 2)
            await add_notifications(platform, READER, 1)
            assert await next_event(stream) == ("unread", {"unread": 3, "total": 4})

            # The page's own form, as its script posts it.
            reply = await http.post(f"/notify/inbox/{ids[1]}/read", data={"csrf_token": csrf},
                                    headers={"accept": "application/json"})
            assert reply.status_code == 200
            assert reply.json()["unread"] == 2 and reply.json()["id"] == str(ids[1]) and reply.json()["read_at"]
            assert await next_event(stream) == ("unread", {"unread": 2, "total": 4})
            everything = await http.post("/notify/inbox/read-all", data={"csrf_token": csrf},
                                         headers={"accept": "application/json"})
            assert everything.json() == {"marked": 2, "unread": 0, "total": 4}
            assert await next_event(stream) == ("unread", {"unread": 0, "total": 4})
        # The browser went away: its stream stops watching.
        await eventually(lambda: live.watching(READER) == 0)

    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as anonymous:
        nobody = await anonymous.get("/notify/inbox/stream", headers={"accept": "text/event-stream"})
        assert nobody.status_code == 401
        assert nobody.headers["content-type"].startswith("application/problem+json")


async def test_the_forms_work_without_javascript(served: Served) -> None:
    platform = served.platform
    mine = await add_notifications(platform, READER, 3)
    theirs = await add_notifications(platform, "other@example.jp", 1)
    cookie, csrf = session_cookie(platform["notify"].deps.sessions, person(READER))
    async with httpx.AsyncClient(base_url=served.base_url, cookies={"kakawari_session": cookie}, timeout=10) as http:
        page = await http.get("/notify/inbox")
        assert page.status_code == 200
        assert 'id="unread-count" aria-live="polite">3<' in page.text
        assert page.text.count("既読にする") == 3 and "すべて既読" in page.text
        assert 'src="/notify/assets/inbox.js" defer' in page.text
        script = await http.get("/notify/assets/inbox.js")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
        assert "max-age" in script.headers["cache-control"]
        assert (await http.get("/notify/assets/nope.js")).status_code == 404

        back = await http.post(f"/notify/inbox/{mine[0]}/read", data={"csrf_token": csrf, "page": "1"})
        assert back.status_code == 303 and back.headers["location"] == "/notify/inbox"
        page = await http.get("/notify/inbox")
        assert 'id="unread-count" aria-live="polite">2<' in page.text and page.text.count("既読にする") == 2

        forged = await http.post(f"/notify/inbox/{mine[1]}/read", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        assert (await http.post("/notify/inbox/read-all", data={})).status_code == 403
        hidden = await http.post(f"/notify/inbox/{theirs[0]}/read", data={"csrf_token": csrf},
                                 headers={"accept": "application/json"})
        assert hidden.status_code == 404

        back = await http.post("/notify/inbox/read-all", data={"csrf_token": csrf})
        assert back.status_code == 303 and back.headers["location"] == "/notify/inbox"
        page = await http.get("/notify/inbox", headers={"accept-language": "en"})
        assert 'id="unread-count" aria-live="polite">0<' in page.text and "Mark read" not in page.text
        others = (await platform.client.get(f"{API}/notifications/unread", headers=bearer("other@example.jp"))).json()
        assert others["unread"] == 1

    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as anonymous:
        login = await anonymous.post(f"/notify/inbox/{mine[1]}/read", data={"csrf_token": csrf})
        assert login.status_code == 303 and login.headers["location"].startswith("/registry/login")
        refused = await anonymous.post("/notify/inbox/read-all", data={"csrf_token": csrf},
                                       headers={"accept": "application/json"})
        assert refused.status_code == 401
