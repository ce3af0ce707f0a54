"""forum's demo data, as `make up` seeds it: the report's three block forums, the national forum
and a monthly café series; counters that match the signups; told to the read models as facts,
never as news; idempotent."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime

import pytest
from sqlalchemy import func, select

from services.forum.models import Event, Series, Signup
from services.forum.seed import seed
from tests.integration.forum.conftest import emitted
from tests.support.platform import RunningPlatform

PUBLISHED, IMPORTED = "forum.event.published.v1", "forum.signup.imported.v1"


@pytest.fixture
async def forum(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["forum"], seed=True) as running:
        yield running


async def test_the_demo_is_the_reports_plan_with_coherent_seats(forum: RunningPlatform) -> None:
    runtime = forum["forum"]
    told = await emitted(forum)
    await seed(runtime.deps)  # a second start changes nothing
    assert await emitted(forum) == told
    async with runtime.uow.read() as session:
        events = list((await session.scalars(select(Event))).all())
        series = list((await session.scalars(select(Series))).all())
        seated = {e: n for e, n in await session.execute(select(Signup.event_id, func.count()).where(
            Signup.status == "confirmed").group_by(Signup.event_id))}
        waiting = {e: n for e, n in await session.execute(select(Signup.event_id, func.count()).where(
            Signup.status == "waitlisted").group_by(Signup.event_id))}
    assert Counter(e.kind for e in events) == {"block_forum": 3, "national_forum": 1, "cafe": 10}
    assert {e.block for e in events if e.kind == "block_forum"} == {"hokkaido_tohoku", "hokuriku_tokai",
                                                                    "chugoku_shikoku"}
    assert len(series) == 1 and all(e.series_id == series[0].id for e in events if e.kind == "cafe")
    for event in events:
        assert event.confirmed == seated.get(event.id, 0) <= event.capacity
        assert event.waitlisted == waiting.get(event.id, 0)
    assert any(e.waitlisted for e in events)  # one upcoming forum is full, with a waitlist
    # History, not news: only the facts the read models take (nobody but the console), so nobody is mailed.
    assert Counter(e["type"] for e in told) == {PUBLISHED: len(events), IMPORTED: sum(seated.values())
                                                + sum(waiting.values())}


async def test_the_demo_is_told_as_facts(forum: RunningPlatform) -> None:
    async with forum["forum"].uow.read() as session:
        events = {str(e.id): e for e in (await session.scalars(select(Event))).all()}
        signups = {str(s.id): s for s in (await session.scalars(select(Signup))).all()}
    told = await emitted(forum)
    published = {e["event_id"]: e for e in told if e["type"] == PUBLISHED}
    assert published.keys() == events.keys()
    for event_id, fact in published.items():
        event = events[event_id]
        assert (fact["title"], fact["kind"], fact["capacity"], fact["online"], fact["venue"]) == (
            event.title, event.kind, event.capacity, event.online, event.venue)
    imported = {e["signup_id"]: e for e in told if e["type"] == IMPORTED}
    assert imported.keys() == signups.keys()
    places: dict[str, list[int]] = defaultdict(list)
    for signup_id, fact in imported.items():
        signup = signups[signup_id]
        assert (fact["event_id"], fact["status"], fact["member_id"], fact["cancelled_at"]) == (
            str(signup.event_id), signup.status, None, None)
        assert (fact["checked_in_at"] is None) == (signup.checked_in_at is None)
        dated = [datetime.fromisoformat(fact[key]) for key in ("signed_up_at", "checked_in_at") if fact[key]]
        assert datetime.fromisoformat(fact["at"]) == max(dated)  # its last state
        if signup.status == "waitlisted":
            places[fact["event_id"]].append(fact["waitlist_position"])
        else:
            assert fact["waitlist_position"] is None
    assert places and all(sorted(line) == list(range(1, len(line) + 1)) for line in places.values())
