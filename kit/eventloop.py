"""One event loop for every entry point: uvloop where it is installed, asyncio's own elsewhere.

Why: each event passes through a good deal of loop machinery (futures, callbacks, locks,
socket reads from NATS), which uvloop runs in C, so an event costs less CPU than on
asyncio's loop (measured in docs/performance.md). uvicorn already picks it (`loop="auto"`),
so `kakawari up` and `kakawari serve` get it there; commands, the benchmark and the test
suite get the same loop from here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    try:
        import uvloop
    except ImportError:  # not built for this platform (Windows): asyncio's loop does the same work
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, on the platform's loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
