"""The recommender reads the catalogue's fingerprint (a scan of every open program) at most once a
second and, after the first, in the background; it rebuilds its index only when the fingerprint
changes."""

from __future__ import annotations

import asyncio

from services.matching.recommendations.domain.facts import ProgramFacts
from services.matching.recommendations.index_cache import VERSION_TTL_S, Recommender


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_the_fingerprint_is_read_once_per_interval_and_the_index_built_once_per_fingerprint() -> None:
    clock, reads, loads = Clock(), [], []
    recommender = Recommender(clock=clock)

    async def read() -> str:
        reads.append(clock.now)
        return "v2" if clock.now > 101 else "v1"

    async def load() -> list[ProgramFacts]:
        loads.append(clock.now)
        return []

    for step in (0.0, 0.3, 0.6):  # within a second: one read, one build
        clock.now = 100.0 + step
        await recommender.programs(await recommender.version(read), load)
    assert reads == [100.0] and loads == [100.0]
    clock.now = 100.0 + VERSION_TTL_S  # a second on: answered at once, read again meanwhile
    assert await recommender.version(read) == "v1"
    await asyncio.sleep(0)
    assert reads == [100.0, 101.0]
    await recommender.programs(await recommender.version(read), load)
    assert loads == [100.0]  # same fingerprint: no rebuild
    clock.now = 102.5  # the catalogue changed: the next request after the reading sees it, and rebuilds
    await recommender.version(read)
    await asyncio.sleep(0)
    await recommender.programs(await recommender.version(read), load)
    assert reads == [100.0, 101.0, 102.5] and loads == [100.0, 102.5]
