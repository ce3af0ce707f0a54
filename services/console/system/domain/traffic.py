"""A service's HTTP traffic from its cumulative counters: requests per second, the share of 5xx and
p50/p95 latency between two scrapes (or since its process started, when there is no earlier one).

The quantiles are estimated as Prometheus's `histogram_quantile` does: linearly within the bucket
the rank falls in. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.console.domain.rates import rate

Buckets = Sequence[tuple[float, float]]  # (upper bound, cumulative count), ascending, +Inf last
ERRORS = "5xx"


@dataclass(frozen=True, slots=True)
class Counts:
    """A service's request counters as one scrape read them, cumulative since its process started."""

    at: float  # when scraped, in seconds of a monotonic clock
    by_class: Mapping[str, float]  # status class ("2xx", "5xx", ...) -> requests
    buckets: Buckets  # the latency histogram

    @property
    def requests(self) -> float:
        return sum(self.by_class.values())


@dataclass(frozen=True, slots=True)
class Traffic:
    requests: int  # since the process started
    window_s: float | None  # what the figures cover; None: since the process started
    rate_per_s: float | None  # None without a window
    error_share: float | None  # 5xx of all requests; None when there were none
    p50_s: float | None
    p95_s: float | None


def quantile(q: float, buckets: Buckets) -> float | None:
    """The `q`-quantile (0 < q < 1) of a cumulative histogram; None when it counted nothing. Past the
    largest finite bound, that bound is all that is known."""
    total = buckets[-1][1] if buckets else 0.0
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower
            return bound if count <= below else lower + (bound - lower) * (rank - below) / (count - below)
        lower, below = bound, count
    return lower


def _restarted(before: Counts, now: Counts) -> bool:
    """Counters only grow: one that fell (or a histogram of other bounds) is a new process."""
    if [b for b, _ in before.buckets] != [b for b, _ in now.buckets]:
        return True
    return (any(now.by_class.get(k, 0.0) < v for k, v in before.by_class.items())
            or any(n < b for (_, b), (_, n) in zip(before.buckets, now.buckets, strict=True)))


def traffic(now: Counts, before: Counts | None) -> Traffic:
    """What happened between `before` and `now`; since the process started when there is no `before`,
    or when the process restarted in between."""
    if before is not None and (now.at <= before.at or _restarted(before, now)):
        before = None
    if before is None:
        by_class, buckets, window = dict(now.by_class), list(now.buckets), None
    else:
        by_class = {k: v - before.by_class.get(k, 0.0) for k, v in now.by_class.items()}
        buckets = [(bound, n - b) for (bound, n), (_, b) in zip(now.buckets, before.buckets, strict=True)]
        window = now.at - before.at
    requests = sum(by_class.values())
    return Traffic(
        requests=int(now.requests), window_s=window,
        rate_per_s=None if window is None else requests / window,
        error_share=rate(int(by_class.get(ERRORS, 0.0)), int(requests)),
        p50_s=quantile(0.5, buckets), p95_s=quantile(0.95, buckets),
    )


class Baseline:
    """Which earlier scrape the next one is compared with: one at least `min_gap_s` older, so two looks
    a moment apart do not make a rate out of a handful of requests in a few milliseconds."""

    def __init__(self, min_gap_s: float) -> None:
        self.min_gap_s = min_gap_s
        self._older: Counts | None = None
        self._newer: Counts | None = None

    def against(self, now: Counts) -> Counts | None:
        """The scrape to compare `now` with (None: there is none yet); `now` is kept for later looks."""
        if self._newer is None or now.at - self._newer.at >= self.min_gap_s:
            self._older, self._newer = self._newer, now
        return self._older
