"""The worker's retry policy: exponential, capped, jittered within bounds, and a limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.worker import Backoff


def test_delays_double_until_the_cap_without_jitter() -> None:
    policy = Backoff(base_s=1.0, factor=2.0, cap_s=10.0, jitter=0.0)
    assert [policy.delay_s(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


@given(attempt=st.integers(1, 40), draw=st.floats(0.0, 1.0))
def test_jitter_stays_within_its_fraction(attempt: int, draw: float) -> None:
    policy = Backoff(base_s=0.5, factor=3.0, cap_s=600.0, jitter=0.25)
    plain = min(600.0, 0.5 * 3.0 ** (attempt - 1))
    assert plain * 0.75 - 1e-9 <= policy.delay_s(attempt, draw) <= plain * 1.25 + 1e-9


@pytest.mark.parametrize(("limit", "attempts", "gives_up"), [(3, 2, False), (3, 3, True), (None, 10_000, False)])
def test_gives_up_only_at_its_limit(limit: int | None, attempts: int, gives_up: bool) -> None:
    assert Backoff(max_attempts=limit).gives_up_after(attempts) is gives_up
