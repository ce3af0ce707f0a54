"""forum's demo data, as `make up` seeds it: the report's three block forums, the national forum
and a monthly café series; counters that match the signups; no events emitted; idempotent."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
from sqlalchemy import func, select

from services.forum.models import Event, Series, Signup
from services.forum.seed import seed
from tests.support.platform import RunningPlatform


@pytest.fixture
async def forum(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["forum"], seed=True) as running:
        yield running


async def test_the_demo_is_the_reports_plan_with_coherent_seats(forum: RunningPlatform) -> None:
    runtime = forum["forum"]
    await seed(runtime.deps)  # a second start changes nothing
    async with runtime.uow.read() as session:
        events = list((await session.scalars(select(Event))).all())
        series = list((await session.scalars(select(Series))).all())
        seated = {e: n for e, n in await session.execute(select(Signup.event_id, func.count()).where(
            Signup.status == "confirmed").group_by(Signup.event_id))}
        waiting = {e: n for e, n in await session.execute(select(Signup.event_id, func.count()).where(
            Signup.status == "waitlisted").group_by(Signup.event_id))}
        outbox = await session.scalar(select(func.count()).select_from(runtime.definition.tables.outbox))
    assert Counter(e.kind for e in events) == {"block_forum": 3, "national_forum": 1, "cafe": 10}
    assert {e.block for e in events if e.kind == "block_forum"} == {"hokkaido_tohoku", "hokuriku_tokai",
                                                                    "chugoku_shikoku"}
    assert len(series) == 1 and all(e.series_id == series[0].id for e in events if e.kind == "cafe")
    for event in events:
        assert event.confirmed == seated.get(event.id, 0) <= event.capacity
        assert event.waitlisted == waiting.get(event.id, 0)
    assert any(e.waitlisted for e in events)  # one upcoming forum is full, with a waitlist
    assert outbox == 0  # history, not news: nobody is mailed
