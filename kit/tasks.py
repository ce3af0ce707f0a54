"""Background loops that stop when asked, even if a library swallowed the cancellation.

nats-py turns a CancelledError that lands inside a request into its own timeout
error, so a loop that survives errors can also survive `task.cancel()`. Loops
therefore also watch a stop flag, and stopping waits a bounded time; a body waits
between rounds with `await loop.idle(seconds)`, which a stop cuts short even when
the cancellation itself was swallowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Loop:
    """Runs `body` until stopped; `body` returns normally to run again."""

    def __init__(self, name: str, body: Callable[[], Awaitable[None]]) -> None:
        self.name = name
        self._body = body
        self._task: asyncio.Task[None] | None = None
        self._stopped: asyncio.Event | None = None
        self.stopping = False

    def start(self) -> None:
        self.stopping = False
        self._stopped = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def idle(self, seconds: float) -> None:
        """Wait `seconds` between rounds, or less if the loop is stopped meanwhile."""
        if self._stopped is None or self.stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)

    async def _run(self) -> None:
        while not self.stopping:
            await self._body()

    async def stop(self, timeout_s: float = 5.0) -> None:
        self.stopping = True
        if self._stopped is not None:
            self._stopped.set()
        task, self._task = self._task, None
        if task is None or task.done():
            return
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=timeout_s)
        if not done:
            log.warning("task.stop.timeout", extra={"task": self.name})
