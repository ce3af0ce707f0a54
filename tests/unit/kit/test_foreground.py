"""People first: background work stands aside while HTTP requests wait for their answer,
taking at most its share of the loop across every background loop, and runs at once when
no request has been seen for a moment. A stream counts as waiting only until its headers."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message, Receive, Scope, Send

from kit.foreground import MAX_PAUSE_S, RECENT_S, Foreground, RequestsWaiting


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:  # records; the test moves the clock
        self.slept.append(round(seconds, 6))


async def test_background_runs_at_once_when_no_request_was_seen_lately() -> None:
    clock = Clock()
    foreground = Foreground(0.2, clock=clock, sleep=clock.sleep)
    await foreground.turn(0.05)
    foreground.arrived()
    foreground.answered()
    clock.now += RECENT_S + 0.01
    await foreground.turn(0.05)
    assert clock.slept == []


async def test_while_requests_wait_every_background_loop_shares_one_budget() -> None:
    clock = Clock()
    foreground = Foreground(0.2, clock=clock, sleep=clock.sleep)
    foreground.arrived()
    await foreground.turn(0.01)  # 10 ms of background: the foreground gets 40 ms
    assert clock.slept == [0.04]
    # Two more loops' units before that time is up: each waits behind the debt of the others.
    await asyncio.gather(foreground.turn(0.01), foreground.turn(0.01))
    assert clock.slept == [0.04, 0.08, 0.12]
    clock.now += 0.2
    foreground.answered()
    clock.now += RECENT_S + 0.01
    await foreground.turn(0.01)  # the crowd is over: no pause, and the debt is forgotten
    assert clock.slept == [0.04, 0.08, 0.12] and not foreground.busy


async def test_a_long_unit_never_parks_background_beyond_the_cap() -> None:
    clock = Clock()
    foreground = Foreground(0.2, clock=clock, sleep=clock.sleep)
    foreground.arrived()
    await foreground.turn(10.0)
    assert clock.slept == [MAX_PAUSE_S]


async def test_a_request_waits_until_its_response_starts_even_if_it_streams_on() -> None:
    foreground = Foreground()
    seen: list[int] = []

    async def streaming(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(foreground.waiting)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        seen.append(foreground.waiting)  # headers sent: an open stream is not a waiting request
        await send({"type": "http.response.body", "body": b"data: 1\n\n", "more_body": False})

    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("no answer")

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    await RequestsWaiting(streaming, foreground)({"type": "http"}, receive, send)
    assert seen == [1, 0] and foreground.waiting == 0 and len(sent) == 2
    with pytest.raises(RuntimeError):
        await RequestsWaiting(failing, foreground)({"type": "http"}, receive, send)
    assert foreground.waiting == 0
