"""The scorer, and the program index built with it, kept between requests.

Building the index of 10,000 programs takes about a second; answering from it a few milliseconds.
It is rebuilt only when the catalogue's fingerprint changes (an aggregate over the published
programs, so a change made by any process is seen), in a thread, once for all the requests waiting
on it. The fingerprint itself scans every open program (about 15 ms at 10,000), so no request
waits for it: once the last reading is `VERSION_TTL_S` old, a request starts a fresh reading in
the background and is answered from the index it has; a change shows within about a second.
Candidates are never cached: consent is read fresh every time."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable

from services.matching.recommendations.domain.facts import HelperFacts, ProgramFacts
from services.matching.recommendations.domain.index import CandidateIndex, ProgramIndex
from services.matching.recommendations.domain.scoring import Scorer, WeightedScorer

VERSION_TTL_S = 1.0  # how long a read fingerprint stands for the catalogue


class Recommender:
    def __init__(self, scorer: Scorer | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.scorer: Scorer = scorer or WeightedScorer()
        self._version: Hashable | None = None
        self._index: ProgramIndex | None = None
        self._lock = asyncio.Lock()
        self._clock = clock
        self._read: tuple[float, Hashable] | None = None  # (when, fingerprint) last read
        self._rereading: asyncio.Task[None] | None = None

    async def version(self, read: Callable[[], Awaitable[Hashable]]) -> Hashable:
        """The catalogue's fingerprint. Only the very first reading is waited for; once a reading is
        `VERSION_TTL_S` old, the next is taken in the background (`read` opens its own session)."""
        if self._read is None:
            self._read = (self._clock(), await read())
        elif self._clock() - self._read[0] >= VERSION_TTL_S and (self._rereading is None or self._rereading.done()):
            self._rereading = asyncio.create_task(self._reread(read))
        return self._read[1]

    async def _reread(self, read: Callable[[], Awaitable[Hashable]]) -> None:
        started = self._clock()
        with contextlib.suppress(Exception):  # a failed reading leaves the last one; the next request retries
            self._read = (started, await read())

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
        self._version = self._index = self._read = None
