"""How late the event loop wakes up: the one figure that shows a blocked loop.

Everything a process hosts shares one event loop, so anything that holds it (a
full garbage collection, a slow disk under SQLite's inline driver, a CPU-bound
handler) delays every request and delivery at once. A sleeper that wakes every
`interval_s` and records how late it woke measures exactly that.
"""

from __future__ import annotations

import asyncio
import time

from kit.tasks import Loop
from kit.telemetry import metrics


class LoopLagMonitor:
    def __init__(self, interval_s: float = 0.25) -> None:
        self.interval_s = interval_s
        self._loop = Loop("event-loop-lag", self._tick)

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _tick(self) -> None:
        started = time.perf_counter()
        await asyncio.sleep(self.interval_s)
        metrics.EVENT_LOOP_LAG.observe(max(0.0, time.perf_counter() - started - self.interval_s))
