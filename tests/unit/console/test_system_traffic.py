"""The system dashboard's traffic figures: Prometheus-style quantiles of a latency histogram, rates and
5xx shares between two scrapes (or since the process started), and which scrape a look compares with."""

from __future__ import annotations

import math

import pytest

from services.console.system.domain.traffic import Baseline, Counts, quantile, traffic

INF = math.inf


def counts(at: float, ok: float, errors: float, buckets: list[tuple[float, float]]) -> Counts:
    return Counts(at=at, by_class={"2xx": ok, "4xx": 0.0, "5xx": errors}, buckets=buckets)


def test_a_quantile_is_interpolated_within_its_bucket() -> None:
    buckets = [(0.01, 50.0), (0.1, 90.0), (1.0, 100.0), (INF, 100.0)]
    assert quantile(0.5, buckets) == pytest.approx(0.01)  # the 50th of 100 is the first bucket's top
    assert quantile(0.25, buckets) == pytest.approx(0.005)  # from 0 to the first bound
    assert quantile(0.7, buckets) == pytest.approx(0.01 + 0.09 * 20 / 40)
    assert quantile(0.95, buckets) == pytest.approx(0.1 + 0.9 * 5 / 10)


def test_past_the_largest_bound_the_bound_is_all_that_is_known() -> None:
    assert quantile(0.95, [(0.01, 10.0), (0.1, 90.0), (INF, 100.0)]) == 0.1


def test_an_empty_histogram_has_no_quantile() -> None:
    assert quantile(0.5, []) is None
    assert quantile(0.5, [(0.1, 0.0), (INF, 0.0)]) is None


def test_between_two_scrapes_the_figures_cover_the_window() -> None:
    before = counts(100.0, 90, 10, [(0.01, 80.0), (0.1, 100.0), (INF, 100.0)])
    now = counts(110.0, 120, 30, [(0.01, 80.0), (0.1, 130.0), (INF, 150.0)])
    seen = traffic(now, before)
    assert seen.requests == 150 and seen.window_s == 10.0
    assert seen.rate_per_s == pytest.approx(5.0)  # 50 requests in 10 s
    assert seen.error_share == pytest.approx(0.4)  # 20 of them 5xx
    assert seen.p50_s == pytest.approx(0.01 + 0.09 * 25 / 30)  # the window's 50 requests: none under 10 ms
    assert seen.p95_s == 0.1


def test_without_an_earlier_scrape_the_figures_are_since_the_process_started() -> None:
    seen = traffic(counts(5.0, 99, 1, [(0.01, 100.0), (INF, 100.0)]), None)
    assert seen.window_s is None and seen.rate_per_s is None
    assert seen.requests == 100 and seen.error_share == pytest.approx(0.01)
    assert seen.p50_s == pytest.approx(0.005)


def test_a_restarted_process_starts_again_from_its_new_counters() -> None:
    before = counts(100.0, 500, 5, [(0.01, 505.0), (INF, 505.0)])
    now = counts(110.0, 3, 0, [(0.01, 3.0), (INF, 3.0)])
    seen = traffic(now, before)
    assert seen.window_s is None and seen.requests == 3 and seen.error_share == 0.0


def test_no_requests_no_share() -> None:
    quiet = counts(1.0, 0, 0, [(0.01, 0.0), (INF, 0.0)])
    seen = traffic(counts(2.0, 0, 0, [(0.01, 0.0), (INF, 0.0)]), quiet)
    assert seen.rate_per_s == 0.0 and seen.error_share is None and seen.p50_s is None


def test_a_look_compares_with_a_scrape_at_least_the_minimum_window_older() -> None:
    baseline = Baseline(min_gap_s=5.0)
    first, soon, later, again = (counts(at, 0, 0, []) for at in (0.0, 1.0, 6.0, 7.0))
    assert baseline.against(first) is None  # nothing to compare with yet
    assert baseline.against(soon) is None  # a moment later: still nothing far enough back
    assert baseline.against(later) is first
    assert baseline.against(again) is first  # 1 s after `later`: the one before it
