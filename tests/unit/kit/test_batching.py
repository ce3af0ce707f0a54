"""The group-commit batcher: requests for one key are run together, batch after batch in
arrival order; each caller gets its own outcome or its own error, and a failed batch fails
only its own callers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from kit.batching import Batcher, Entry


class Recorder:
    def __init__(self) -> None:
        self.batches: list[tuple[str, list[int]]] = []

    async def running(self, count: int = 1) -> None:
        """Until `count` batches have started (not a fixed sleep: the machine may be slow)."""
        while len(self.batches) < count:
            await asyncio.sleep(0)

    async def run(self, key: str, entries: Sequence[Entry[int, int]]) -> list[int | BaseException]:
        items = [e.item for e in entries]
        self.batches.append((key, items))
        await asyncio.sleep(0.01)  # a transaction's I/O: more requests queue meanwhile
        if -1 in items:
            raise RuntimeError("the transaction failed")
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]


async def test_requests_that_arrive_together_are_one_batch_in_order() -> None:
    recorder = Recorder()
    batcher: Batcher[str, int, int] = Batcher(recorder.run, name="test")
    first = asyncio.create_task(batcher.submit("a", 0))
    await recorder.running()
    later = [asyncio.create_task(batcher.submit("a", i)) for i in range(2, 12, 2)]
    assert await first == 0
    assert [await t for t in later] == [20, 40, 60, 80, 100]
    # The first request's batch ran alone; those that queued while it ran went in one batch.
    assert recorder.batches == [("a", [0]), ("a", [2, 4, 6, 8, 10])]


async def test_each_caller_gets_its_own_error_and_keys_do_not_mix() -> None:
    recorder = Recorder()
    batcher: Batcher[str, int, int] = Batcher(recorder.run, name="test")
    results = await asyncio.gather(batcher.submit("a", 2), batcher.submit("a", 3), batcher.submit("b", 4),
                                   return_exceptions=True)
    assert results[0] == 20 and results[2] == 40
    assert isinstance(results[1], ValueError) and str(results[1]) == "odd 3"
    assert sorted(recorder.batches) == [("a", [2, 3]), ("b", [4])]


async def test_a_failed_batch_fails_its_callers_and_the_next_batch_still_runs() -> None:
    recorder = Recorder()
    batcher: Batcher[str, int, int] = Batcher(recorder.run, name="test")
    doomed = [asyncio.create_task(batcher.submit("a", i)) for i in (2, -1)]
    await recorder.running()
    after = asyncio.create_task(batcher.submit("a", 6))
    for task in doomed:
        with pytest.raises(RuntimeError, match="transaction failed"):
            await task
    assert await after == 60


async def test_a_caller_that_hangs_up_does_not_cancel_its_batch() -> None:
    recorder = Recorder()
    batcher: Batcher[str, int, int] = Batcher(recorder.run, name="test")
    gone = asyncio.create_task(batcher.submit("a", 2))
    stays = asyncio.create_task(batcher.submit("a", 4))
    await recorder.running()
    gone.cancel()
    assert await stays == 40
    assert recorder.batches == [("a", [2, 4])]


async def test_batches_are_capped() -> None:
    recorder = Recorder()
    batcher: Batcher[str, int, int] = Batcher(recorder.run, name="test", max_batch=3)
    assert await asyncio.gather(*(batcher.submit("a", i) for i in range(0, 14, 2))) == list(range(0, 140, 20))
    assert [len(items) for _, items in recorder.batches] == [3, 3, 1]
