"""What matching's demo seed tells read models, in its own transaction: every program
(`program.imported`: 飛騨市's 236 of 2024, done, and those still to come, published), every one of
2024's 5,806 participations (`participation.imported`), and each relation's steps along
集める → 深める → つなげる (`relation.stage_changed`) as the depth API counts them."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from uuid import UUID

import pytest
from sqlalchemy import select

from services.matching.models import Participation, Program
from tests.integration.matching.conftest import API, HIDA, emitted
from tests.support.platform import RunningPlatform

STAGES = ("collect", "deepen", "connect")


@pytest.fixture
async def seeded(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["matching"], seed=True) as running:
        yield running


async def test_every_program_is_imported_with_its_status_and_publication(seeded: RunningPlatform) -> None:
    async with seeded["matching"].uow.read() as session:
        stored = {p.id: p for p in (await session.scalars(select(Program))).all()}
    imported = await emitted(seeded, "matching.program.imported.v1")
    assert sorted(p["program_id"] for p in imported) == sorted(str(i) for i in stored)
    year = [p for p in imported if p["starts_on"].startswith("2024") and p["municipality_code"] == HIDA]
    assert len(year) == 236 and {p["status"] for p in year} == {"done"}
    still_to_come = [p for p in imported if p not in year]
    assert still_to_come and {p["status"] for p in still_to_come} == {"published"}
    for event in imported:
        program = stored[UUID(event["program_id"])]
        assert datetime.fromisoformat(event["at"]) == program.published_at
        assert event["url"].endswith(f"/matching/programs/{program.id}")
        assert event["municipality"] == program.municipality


async def test_every_participation_of_2024_is_imported(seeded: RunningPlatform) -> None:
    async with seeded["matching"].uow.read() as session:
        stored = set((await session.scalars(select(Participation.id))).all())
    imported = await emitted(seeded, "matching.participation.imported.v1")
    assert len(imported) == 5_806 and {UUID(p["participation_id"]) for p in imported} == stored
    assert {(p["municipality"], p["source"]) for p in imported} == {("岐阜県飛騨市", "host")}
    assert all(p["on"].startswith("2024") and p["program_id"] for p in imported)


async def test_each_relations_steps_end_where_the_depth_api_counts_it(seeded: RunningPlatform) -> None:
    changes = await emitted(seeded, "matching.relation.stage_changed.v1")
    final: dict[str, str] = {}
    # Each relation's steps chain, in date order (a day may hold two: registered, then came).
    for change in sorted(changes, key=lambda c: (c["as_of"], STAGES.index(c["stage"]))):
        assert change["previous"] == final.get(change["helper_id"]), change
        final[change["helper_id"]] = change["stage"]
        assert change["municipality_code"] == HIDA and change["reason"]
    r = await seeded.client.get(f"{API}/municipalities/{HIDA}/depth", params={"as_of": "2024-12-31"})
    assert r.status_code == 200, r.text
    assert Counter(final.values()) == {step["stage"]: step["people"] for step in r.json()["funnel"]}
    came = {p["helper_id"] for p in await emitted(seeded, "matching.participation.imported.v1")}
    assert all(final[helper] in STAGES[1:] for helper in came)
