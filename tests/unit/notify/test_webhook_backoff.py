"""The webhook retry schedule: exponential with jitter, about a day in all. Pure."""

from __future__ import annotations

from services.notify.webhooks.sender import WEBHOOK_BACKOFF


def test_about_a_day_of_retries() -> None:
    b = WEBHOOK_BACKOFF
    assert b.max_attempts is not None
    waits = [b.delay_s(n, draw=0.5) for n in range(1, b.max_attempts)]  # draw 0.5: no jitter
    assert waits[:8] == [60 * 2**i for i in range(8)]  # 1, 2, 4 … 128 minutes
    assert waits[8:] == [4 * 3600.0] * 5  # then every four hours
    assert 23 * 3600 <= sum(waits) <= 26 * 3600
    assert not b.gives_up_after(b.max_attempts - 1) and b.gives_up_after(b.max_attempts)


def test_jitter_spreads_each_wait_by_a_fifth() -> None:
    b = WEBHOOK_BACKOFF
    assert b.delay_s(3, draw=0.0) == 240 * 0.8 and b.delay_s(3, draw=1.0) == 240 * 1.2
    assert len({round(b.delay_s(5), 6) for _ in range(20)}) > 1  # random draws differ
