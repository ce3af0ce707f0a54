"""The event-loop lag monitor records a blocked loop, and only then."""

from __future__ import annotations

import asyncio
import time

from kit.telemetry import metrics
from kit.telemetry.loop_lag import LoopLagMonitor


def _lag_histogram() -> tuple[float, float]:
    """(count, sum) observed so far by the process-wide histogram."""
    samples = {s.name: s.value for m in metrics.EVENT_LOOP_LAG.collect() for s in m.samples}
    return samples["kakawari_event_loop_lag_seconds_count"], samples["kakawari_event_loop_lag_seconds_sum"]


async def test_a_blocked_loop_shows_as_lag() -> None:
    monitor = LoopLagMonitor(interval_s=0.01)
    count0, sum0 = _lag_histogram()
    monitor.start()
    try:
        await asyncio.sleep(0.05)  # a few free-running ticks
        free_count, free_sum = _lag_histogram()
        assert free_count > count0
        time.sleep(0.2)  # noqa: ASYNC251 - the point: hold the loop as blocking I/O would
        await asyncio.sleep(0.03)
    finally:
        await monitor.stop()
    count, total = _lag_histogram()
    assert count > free_count
    assert total - free_sum >= 0.15  # the tick that slept through the block woke ~0.19 s late
