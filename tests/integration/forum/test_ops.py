"""The operators' pages on both databases: the events list with fill rate and waitlist, kept
current by Server-Sent Events (behind a real uvicorn: httpx's ASGI transport waits for a
response's end, and a stream has none); an event's attendees; the CSV for Excel (a BOM,
Japanese headers, every attendee, no formulas); operators only."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from kit.web.auth import OPERATOR
from services.forum.ops import pages as ops_pages
from tests.browser.conftest import free_port
from tests.support.platform import RunningPlatform
from tests.support.servers import uvicorn_serving
from tests.support.sessions import bearer, person, session_cookie, sign_in

API = "/forum/api/v1"
OPERATOR_PERSON = person("ops@example.jp", OPERATOR)
OPS = bearer(OPERATOR_PERSON)
HTML = {"accept": "text/html"}
Counts = dict[str, Any]


@asynccontextmanager
async def served(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[tuple[RunningPlatform, str]]:
    """The platform behind a real uvicorn on a free port, on the test's event loop."""
    port = free_port()
    async with platform_factory(services=["forum"]) as running, uvicorn_serving(running.app, port) as base:
        yield running, base


async def new_event(platform: RunningPlatform, capacity: int, title: str = "かかわりカフェ 1月") -> str:
    start = datetime.now(UTC) + timedelta(days=20)
    body = {"kind": "cafe", "title": title, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": capacity, "hold_hours": None}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def sign_up(platform: RunningPlatform, event: str, i: int, **extra: Any) -> dict[str, Any]:
    body = {"name": f"参加者{i}", "name_kana": "さんかしゃ", "email": f"p{i}@example.jp", "affiliation": "雲南市",
            "prefecture_code": "32", "consent": True, **extra}
    r = await platform.client.post(f"{API}/events/{event}/signups", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def counts_of(response: httpx.Response) -> AsyncIterator[Counts]:
    """The stream's `counts` events, by event id; comments (the pings) skipped."""
    name, data = "message", ""
    async for line in response.aiter_lines():
        if not line:
            if data and name == "counts":
                yield {row["id"]: row for row in json.loads(data)["events"]}
            name, data = "message", ""
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


async def test_the_attendee_csv_opens_in_excel_with_every_attendee(forum: RunningPlatform) -> None:
    event = await new_event(forum, 2)
    people = [await sign_up(forum, event, 1), await sign_up(forum, event, 2, name="=HYPERLINK(\"x\")"),
              await sign_up(forum, event, 3, affiliation="隠岐の島町, 総務課"), await sign_up(forum, event, 4)]
    token = people[0]["manage_url"].rsplit("/", 1)[1]
    assert (await forum.client.post(f"{API}/signups/manage/{token}/cancel")).status_code == 200  # 3 promoted
    url = f"/forum/ops/events/{event}/attendees.csv"

    assert (await forum.client.get(url)).headers["location"].startswith("/registry/login")
    sign_in(forum.client, forum["forum"].deps.sessions, person("staff@example.jp", "staff"))
    assert (await forum.client.get(url)).status_code == 403
    sign_in(forum.client, forum["forum"].deps.sessions, OPERATOR_PERSON)
    got = await forum.client.get(url)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.headers["content-disposition"].startswith('attachment; filename="attendees-')
    assert got.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = got.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["申込ID", "状態", "氏名", "ふりがな", "所属", "都道府県"]
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == {p["id"] for p in people}  # every signup, cancelled ones too
    assert [body[p["id"]][1] for p in people] == ["キャンセル", "参加確定", "参加確定", "キャンセル待ち"]
    assert body[people[1]["id"]][2] == "'=HYPERLINK(\"x\")"  # never a formula in Excel
    assert body[people[2]["id"]][4] == "隠岐の島町, 総務課" and body[people[2]["id"]][5] == "島根県"
    assert body[people[3]["id"]][7] == "1"  # first in line
    assert body[people[0]["id"]][11]  # when it was cancelled, in JST


async def test_the_pages_are_for_operators_only(forum: RunningPlatform) -> None:
    event = await new_event(forum, 4, title="全国フォーラム前夜祭")
    for i in range(3):
        await sign_up(forum, event, i)
    client, sessions = forum.client, forum["forum"].deps.sessions
    for url in ("/forum/ops/events", f"/forum/ops/events/{event}"):
        assert (await client.get(url, headers=HTML)).headers["location"].startswith("/registry/login")
    sign_in(client, sessions, person("staff@example.jp", "staff"))
    for url in ("/forum/ops/events", f"/forum/ops/events/{event}", "/forum/ops/events/stream"):
        assert (await client.get(url, headers=HTML)).status_code == 403

    sign_in(client, sessions, OPERATOR_PERSON)
    listing = await client.get("/forum/ops/events", headers=HTML)
    assert listing.status_code == 200 and "全国フォーラム前夜祭" in listing.text
    assert f'data-id="{event}"' in listing.text and ">75%<" in listing.text  # 3 of 4 seats
    assert 'src="/forum/assets/ops.js" defer' in listing.text
    assert 'data-stream="/forum/ops/events/stream"' in listing.text
    assert (await client.get("/forum/assets/ops.js")).status_code == 200
    detail = await client.get(f"/forum/ops/events/{event}?lang=en", headers=HTML)
    assert detail.status_code == 200 and "参加者2" in detail.text and "Check-in desk" in detail.text
    assert f"/forum/ops/events/{event}/attendees.csv" in detail.text and f"/forum/events/{event}/checkin" in detail.text
    missing = await client.get("/forum/ops/events/00000000-0000-0000-0000-000000000000", headers=HTML)
    assert missing.status_code == 404


async def test_the_stream_sends_fill_rate_and_waitlist_as_they_change(
        platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops_pages, "POLL_S", 0.05)
    async with served(platform_factory) as (platform, base):
        event = await new_event(platform, 2)
        quiet = await new_event(platform, 5, title="かかわりカフェ 2月")
        cookie, _ = session_cookie(platform["forum"].deps.sessions, OPERATOR_PERSON)
        async with httpx.AsyncClient(base_url=base, cookies={"kakawari_session": cookie}, timeout=10) as http:
            async with http.stream("GET", "/forum/ops/events/stream",
                                   headers={"accept": "text/event-stream"}) as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                stream = counts_of(response)
                first = await asyncio.wait_for(anext(stream), 5)
                assert first[event] | {"id": None} == {"id": None, "status": "published", "capacity": 2,
                                                       "confirmed": 0, "held": 0, "waitlisted": 0, "fill": 0.0}
                assert first[quiet]["capacity"] == 5

                for i in range(3):
                    await sign_up(platform, event, i)
                seen = first
                while seen[event]["waitlisted"] < 1:
                    seen = await asyncio.wait_for(anext(stream), 5)
                assert (seen[event]["confirmed"], seen[event]["fill"], seen[event]["waitlisted"]) == (2, 1.0, 1)

            async with http.stream("GET", f"/forum/ops/events/stream?event={quiet}") as one:
                only = await asyncio.wait_for(anext(counts_of(one)), 5)
                assert list(only) == [quiet]

        async with httpx.AsyncClient(base_url=base, timeout=10) as anonymous:
            nobody = await anonymous.get("/forum/ops/events/stream", headers={"accept": "text/event-stream"})
            assert nobody.status_code == 401
