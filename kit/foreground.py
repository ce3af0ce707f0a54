"""People first: while HTTP requests wait for their answer, background work in the same
process (consumers applying events, the relay, the mailer, scheduled jobs) takes at most a
share of the event loop, and catches up at full speed once the requests are answered.

In all-in-one mode every service shares one process and one core. Under a flash crowd each
signup's answer would otherwise queue behind the emails, inbox rows and publishes of the
signups before it; with this rule the answers stay fast and the emails follow seconds later.
No work is dropped or reordered: background units only start later.

- `RequestsWaiting` (ASGI) counts requests from arrival until their response starts, so a
  long-lived stream (Server-Sent Events) counts only until its headers are sent.
- Background loops call `await FOREGROUND.turn(spent_s)` after each unit of work that took
  `spent_s`: while requests wait, the next unit of any background loop starts only once the
  foreground has had `(1 - share) / share` times that long (at most `MAX_PAUSE_S`).
  The budget is shared by every background loop of the process, so together they stay
  within `share`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BACKGROUND_SHARE = 0.1  # of the loop, for background work while requests wait (measured: docs/performance.md)
MAX_PAUSE_S = 2.0  # never parked longer than this at a time, however long the unit
RECENT_S = 0.25  # how long after the last request the foreground still counts as busy


class Foreground:
    def __init__(self, share: float = BACKGROUND_SHARE, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.share = share
        self.waiting = 0  # requests that have not started their response
        self._clock, self._sleep = clock, sleep
        self._last_seen = clock() - RECENT_S  # when a request last arrived or was answered
        self._resume_at = 0.0  # before this, background stands aside while the foreground is busy

    def arrived(self) -> None:
        self.waiting += 1
        self._last_seen = self._clock()

    def answered(self) -> None:
        self.waiting -= 1
        self._last_seen = self._clock()

    @property
    def busy(self) -> bool:
        """Requests wait, or did a moment ago: a crowd's requests come back to back, and the
        instants between them are not a lull."""
        return self.waiting > 0 or self._clock() - self._last_seen < RECENT_S

    async def turn(self, spent_s: float) -> None:
        """Call after a background unit that took `spent_s`: waits while requests need the loop."""
        if not self.busy:
            self._resume_at = 0.0
            return
        now = self._clock()
        self._resume_at = max(self._resume_at, now) + spent_s * (1 - self.share) / self.share
        pause = self._resume_at - now
        if pause > 0:
            await self._sleep(min(pause, MAX_PAUSE_S))


FOREGROUND = Foreground()  # one per process: the event loop is what is shared


class RequestsWaiting:
    """Counts HTTP requests waiting for their answer, for `FOREGROUND`."""

    def __init__(self, app: ASGIApp, foreground: Foreground = FOREGROUND) -> None:
        self.app = app
        self.foreground = foreground

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        foreground = self.foreground
        foreground.arrived()
        pending = True

        async def answering(message: Message) -> None:
            nonlocal pending
            if pending and message["type"] == "http.response.start":
                pending = False
                foreground.answered()
            await send(message)

        try:
            await self.app(scope, receive, answering)
        finally:
            if pending:
                foreground.answered()
