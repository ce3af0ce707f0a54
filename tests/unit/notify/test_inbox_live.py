"""The inbox's live wake-ups: a change wakes that person's streams only, a poll re-reads, a closed
or cancelled stream stops watching at once, and `updates` sends a value only when it changed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TypeVar

from services.notify.inbox.live import InboxEvents

T = TypeVar("T")
LONG_POLL_S = 60.0  # nothing in these tests waits for the poll unless it says so


async def next_within(iterator: AsyncIterator[T], seconds: float = 1.0) -> T:
    return await asyncio.wait_for(anext(iterator), seconds)


async def test_changed_wakes_the_watchers_of_that_person_only() -> None:
    live = InboxEvents(poll_s=LONG_POLL_S)
    async with aclosing(live.watch("Reader@example.jp")) as mine, aclosing(live.watch("other@example.jp")) as theirs:
        await next_within(mine)  # both yield at once on connect
        await next_within(theirs)
        my_wake = asyncio.ensure_future(next_within(mine))
        their_wake = asyncio.ensure_future(anext(theirs))
        await asyncio.sleep(0.01)
        assert not my_wake.done() and not their_wake.done()

        live.changed("reader@EXAMPLE.jp")  # addresses compare without case
        await my_wake
        await asyncio.sleep(0.05)
        assert not their_wake.done()
        their_wake.cancel()
        await asyncio.gather(their_wake, return_exceptions=True)


async def test_every_stream_of_a_person_wakes_and_a_change_while_reading_is_not_lost() -> None:
    live = InboxEvents(poll_s=LONG_POLL_S)
    async with aclosing(live.watch("a@example.jp")) as tab1, aclosing(live.watch("a@example.jp")) as tab2:
        await next_within(tab1)
        await next_within(tab2)
        assert live.watching("a@example.jp") == 2
        live.changed("a@example.jp")  # before anyone waits again: still seen
        await next_within(tab1)
        await next_within(tab2)


async def test_the_poll_wakes_a_stream_without_a_change() -> None:
    live = InboxEvents(poll_s=0.05)
    async with aclosing(live.watch("a@example.jp")) as stream:
        await next_within(stream)
        await next_within(stream, 1.0)


async def test_closing_or_cancelling_a_stream_removes_its_watcher() -> None:
    live = InboxEvents(poll_s=LONG_POLL_S)
    async with aclosing(live.watch("a@example.jp")) as stream:
        await next_within(stream)
        assert live.watching("a@example.jp") == 1
    assert live.watching("a@example.jp") == 0
    live.changed("a@example.jp")  # nobody left to wake: no error

    async def consume() -> None:
        async for _ in live.updates("b@example.jp", read=lambda: asyncio.sleep(0, result=1)):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.02)
    assert live.watching("b@example.jp") == 1
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert live.watching("b@example.jp") == 0


async def test_updates_sends_only_what_changed() -> None:
    live = InboxEvents(poll_s=0.02)  # polls often: unchanged values must still not be sent
    values = iter([(3, 3), (3, 3), (3, 3), (3, 2), (3, 2), (4, 3)])
    reads = 0

    async def read() -> tuple[int, int]:
        nonlocal reads
        reads += 1
        return next(values, (4, 3))

    async with aclosing(live.updates("a@example.jp", read)) as updates:
        assert await next_within(updates) == (3, 3)
        assert await next_within(updates) == (3, 2)
        assert await next_within(updates) == (4, 3)
    assert reads >= 6
    assert live.watching("a@example.jp") == 0
