"""Live inbox updates: who to wake when a person's inbox changes.

A handler or a mark-read use case calls `changed(recipient)` after its commit; every open
Server-Sent Events stream of that person wakes and re-reads the unread count. Streams also
re-read on a timer, so a change committed by another replica shows up too, a little later.
Nothing here holds a database session: a stream reads (a short transaction of its own) only
when woken, and waits on an in-memory event in between.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing, suppress
from typing import TypeVar

POLL_S = 5.0  # how often a stream re-reads when nothing woke it (changes made by other replicas)

T = TypeVar("T")


class InboxEvents:
    def __init__(self, poll_s: float = POLL_S) -> None:
        self.poll_s = poll_s
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)

    def changed(self, recipient: str) -> None:
        for waiter in self._waiters.get(recipient.lower(), ()):
            waiter.set()

    def watching(self, recipient: str) -> int:
        """How many streams are watching this person's inbox now."""
        return len(self._waiters.get(recipient.lower(), ()))

    async def watch(self, recipient: str) -> AsyncGenerator[None, None]:
        """Yield at once, then whenever the inbox may have changed (or the poll interval passed)."""
        key = recipient.lower()
        waiter = asyncio.Event()
        self._waiters[key].add(waiter)
        try:
            while True:
                yield
                with suppress(TimeoutError):
                    await asyncio.wait_for(waiter.wait(), self.poll_s)
                waiter.clear()
        finally:
            self._waiters[key].discard(waiter)
            if not self._waiters[key]:
                del self._waiters[key]

    async def updates(self, recipient: str, read: Callable[[], Awaitable[T]]) -> AsyncGenerator[T, None]:
        """`read()`'s value at once, then again each time it differs after a wake-up.

        A poll that finds nothing new sends nothing. Closing (or cancelling) the iterator stops
        watching at once, not when it is garbage-collected.
        """
        last: tuple[T] | None = None
        async with aclosing(self.watch(recipient)) as wakes:
            async for _ in wakes:
                value = await read()
                if last is None or last[0] != value:
                    last = (value,)
                    yield value
