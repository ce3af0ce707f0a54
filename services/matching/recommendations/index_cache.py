"""The scorer, and the program index built with it, kept between requests.

Building the index of 10,000 programs takes about a second; answering from it a few milliseconds.
It is rebuilt only when the catalogue's fingerprint changes (a cheap aggregate over the published
programs, read on each request, so a change made by any process is seen), in a thread, once for
all the requests waiting on it. Candidates are never cached: consent is read fresh every time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable

from services.matching.recommendations.domain.facts import HelperFacts, ProgramFacts
from services.matching.recommendations.domain.index import CandidateIndex, ProgramIndex
from services.matching.recommendations.domain.scoring import Scorer, WeightedScorer


class Recommender:
    def __init__(self, scorer: Scorer | None = None) -> None:
        self.scorer: Scorer = scorer or WeightedScorer()
        self._version: Hashable | None = None
        self._index: ProgramIndex | None = None
        self._lock = asyncio.Lock()

    async def programs(self, version: Hashable, load: Callable[[], Awaitable[list[ProgramFacts]]]) -> ProgramIndex:
        """The index of the catalogue at `version`, built by `load` when the version is new."""
        if self._index is not None and self._version == version:
            return self._index
        async with self._lock:
            if self._index is None or self._version != version:
                facts = await load()
                self._index = await asyncio.to_thread(ProgramIndex, facts, self.scorer)
                self._version = version
            return self._index

    def candidates(self, helpers: Iterable[HelperFacts]) -> CandidateIndex:
        return CandidateIndex(helpers, self.scorer)

    def forget(self) -> None:
        """Rebuild on the next request (a test or a seed that rewrote the catalogue in place)."""
        self._version = self._index = None
