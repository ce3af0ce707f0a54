"""The recommender reads the catalogue's fingerprint at most once a second (a scan of every open
program), and rebuilds its index only when the fingerprint changes."""

from __future__ import annotations

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
    clock.now = 100.0 + VERSION_TTL_S  # a second on: read again; same fingerprint, no rebuild
    await recommender.programs(await recommender.version(read), load)
    assert reads == [100.0, 101.0] and loads == [100.0]
    clock.now = 102.5  # the catalogue changed: rebuilt
    await recommender.programs(await recommender.version(read), load)
    assert reads == [100.0, 101.0, 102.5] and loads == [100.0, 102.5]
