"""Keep the garbage collector's full passes short in a long-running service.

A full (generation 2) collection walks every tracked object, and after start-up
that is mostly what imports and app construction made (modules, SQLAlchemy and
Pydantic machinery, routes), so full passes pause the event loop long enough to
set the tail of event latency. `gc.freeze()` moves everything alive at the end of
start-up into a permanent generation that collections skip, so later passes only
walk what the service made since. Young collections are made rarer too: each
event makes many short-lived objects, and at CPython's default threshold a young
collection would run every few events. The measurements are in
docs/performance.md.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def freeze_after_startup() -> None:
    """Call once, when the process has started everything it keeps for its lifetime."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
