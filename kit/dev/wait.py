"""Waiting for a local process to answer: the supervisor of `up-distributed`, the tests' servers."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable


def http_ok(url: str, timeout_s: float, *, alive: Callable[[], None] = lambda: None,
            request_timeout_s: float = 2.0, interval_s: float = 0.1) -> bool:
    """Poll `url` until it answers 200 (True) or `timeout_s` has passed (False). `alive` is called before
    each try and raises when the process being waited for has died, so a crash is not waited out."""
    deadline = time.monotonic() + timeout_s
    while True:
        alive()
        try:
            with urllib.request.urlopen(url, timeout=request_timeout_s) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(interval_s)
