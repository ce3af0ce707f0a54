"""In-memory sliding-window rate limits, keyed per client IP and per account.

Good enough for one process (all-in-one mode, or one replica); a shared store
would be needed to limit across replicas. Limits are data, so tests and
deployments can tighten or loosen them without code changes.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from starlette.requests import Request

from kit.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    """At most `hits` requests in any `window_s` seconds."""

    hits: int
    window_s: float

    @classmethod
    def parse(cls, text: str) -> Limit:
        """"10/60" → 10 requests per 60 seconds."""
        hits, _, window = text.partition("/")
        return cls(int(hits), float(window or 60))


@dataclass
class SlidingWindow:
    limit: Limit
    clock: Callable[[], float] = time.monotonic
    _hits: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, key: str) -> int:
        """0 if `key` may go ahead now (and count the hit), else seconds to wait."""
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.limit.window_s:
            hits.popleft()
        if len(hits) >= self.limit.hits:
            return max(1, math.ceil(hits[0] + self.limit.window_s - now))
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
            self._hits = {k: v for k, v in self._hits.items() if v}
        return 0

    def check(self, keys: Iterable[str]) -> None:
        """Raise TooManyRequests (429 + Retry-After) if any key is over its limit."""
        wait = max((self.retry_after(k) for k in keys if k), default=0)
        if wait:
            raise TooManyRequests(wait)


def client_ip(request: Request) -> str:
    """The peer address; a proxy in front must be trusted to set it (uvicorn --proxy-headers)."""
    return request.client.host if request.client else "unknown"
