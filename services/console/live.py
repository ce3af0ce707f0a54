"""Live figures: tells the pages listening over Server-Sent Events that the read models moved.

A handler calls `changed()` after its commit; each listener wakes, and the SSE route sends at most
one update a second however many events arrive (the demo import is thousands). With several
console replicas each applies only its share of the events, so the route also compares the
database's own count of applied events every few seconds (`repository.applied_total`).
"""

from __future__ import annotations

import asyncio
import contextlib


class Live:
    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()

    def changed(self) -> None:
        self.version += 1
        self._event.set()

    async def wait(self, after: int, timeout: float) -> int:
        """The version once it is past `after`, or after `timeout` seconds, whichever is first."""
        if self.version <= after:
            self._event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), timeout)
        return self.version
