"""matching's demo data, as `make up` seeds it: 飛騨市's ヒダスケ!-like 2024 through the depth API,
programs still to come in the list, the farm-helper relay in an open round; idempotent (what it
emits for read models: test_demo_events.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date

import pytest
from sqlalchemy import func, select

from services.matching.models import Participation, Program, ProgramSkill, Round, RoundPlacement, RoundWish
from services.matching.programs.domain.skills import SKILLS
from services.matching.seed import seed
from tests.integration.matching.conftest import API, HIDA, days_ahead
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person


@pytest.fixture
async def matching(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                   ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["matching"], seed=True) as running:
        yield running


async def counts(platform: RunningPlatform) -> tuple[int, int, int]:
    runtime = platform["matching"]
    async with runtime.uow.read() as session:
        programs = await session.scalar(select(func.count()).select_from(Program))
        participations = await session.scalar(select(func.count()).select_from(Participation))
        outbox = await session.scalar(select(func.count()).select_from(runtime.definition.tables.outbox))
    return programs or 0, participations or 0, outbox or 0


async def test_hidas_2024_is_the_reports_year_through_the_depth_api(matching: RunningPlatform) -> None:
    r = await matching.client.get(f"{API}/municipalities/{HIDA}/depth", params={"as_of": "2024-12-31"})
    assert r.status_code == 200, r.text
    depth = r.json()
    assert (depth["programs"], depth["participations"]) == (236, 5_806)
    assert depth["people"] < depth["participations"] and depth["repeat_rate"] > 0
    assert all(step["people"] > 0 for step in depth["funnel"])  # fans, helpers, and those who came back or host
    before = (await matching.client.get(f"{API}/municipalities/{HIDA}/depth", params={"as_of": "2023-12-31"})).json()
    assert (before["programs"], before["participations"]) == (0, 0)  # the counts follow the facts' dates


async def test_the_seed_is_idempotent(matching: RunningPlatform) -> None:
    first = await counts(matching)
    await seed(matching["matching"].deps)  # a second start changes nothing, and emits nothing more
    assert await counts(matching) == first


async def test_the_list_shows_programs_still_to_come_with_their_places(matching: RunningPlatform) -> None:
    r = await matching.client.get(f"{API}/programs")
    assert r.status_code == 200, r.text
    listed = r.json()
    assert listed and all(p["status"] == "published" for p in listed)
    assert min(date.fromisoformat(p["starts_on"]) for p in listed) >= days_ahead(1)
    assert all(p["lat"] is not None and p["member_name"] for p in listed)  # a dot on the map, a member's name
    assert {p["prefecture_code"] for p in listed} >= {"01", "21", "26"}  # 北海道, 岐阜 and 京都
    assert any(p["seats_left"] < p["capacity"] for p in listed)  # partly taken already
    async with matching["matching"].uow.read() as session:
        skills = set((await session.scalars(select(ProgramSkill.skill))).all())
    assert skills <= set(SKILLS)


async def test_the_relay_round_is_open_and_relays_helpers_across_regions_seasons(matching: RunningPlatform) -> None:
    async with matching["matching"].uow.read() as session:
        rnd = (await session.scalars(select(Round))).one()
        wishes = list((await session.scalars(select(RoundWish))).all())
    assert (rnd.mode, rnd.status, rnd.max_programs) == ("relay", "open", 3)
    assert len(wishes) > 10 and all(len(w.program_ids) >= 3 for w in wishes)
    r = await matching.client.post(f"{API}/rounds/{rnd.id}/run", headers=bearer(person("ops@example.jp", "operator")))
    assert r.status_code == 200, r.text
    assert r.json()["report"]["blocking_pairs_count"] == 0
    async with matching["matching"].uow.read() as session:
        placed = (await session.execute(select(RoundPlacement.helper_id, Program.municipality, Program.starts_on,
                                               Program.ends_on).join(Program))).all()
    seasons: dict[object, list[tuple[str, date, date]]] = {}
    for helper_id, region, starts_on, ends_on in placed:
        seasons.setdefault(helper_id, []).append((region, starts_on, ends_on))
    relayed = [sorted(own, key=lambda s: s[1]) for own in seasons.values() if len(own) > 1]
    assert relayed  # some helpers go on from one region's harvest to another's
    for own in relayed:
        assert len({region for region, _, _ in own}) == len(own)
        assert all(a[2] < b[1] for a, b in zip(own, own[1:], strict=False))  # never overlapping
