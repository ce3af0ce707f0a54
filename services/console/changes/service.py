"""When the dashboards' figures moved, for the pages listening over Server-Sent Events.

This replica's handlers bump `Live.version` after each commit and wake the streams at once.
Events applied by another replica only show in the database, so each stream also reads the
total of applied events (`Checkpoint.applied`) when woken or every `POLL_S` seconds. A change
is announced at most once per `MIN_GAP_S`: a burst (the demo import is thousands of events)
is one refresh a second, not one per event. No database session is held while a stream waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime

from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.console.changes import repository
from services.console.live import Live

POLL_S = 3.0  # how often a quiet stream looks at the database (other replicas' events)
MIN_GAP_S = 1.0  # at most one announcement this often


@dataclass(frozen=True)
class Progress:
    applied: int  # events applied to the read models, by every replica
    last_applied_at: datetime | None


async def progress(*, uow: UnitOfWorkFactory) -> Progress:
    async with uow.read() as session:
        return Progress(*await repository.progress(session))


async def changes(*, uow: UnitOfWorkFactory, live: Live, poll_s: float = POLL_S,
                  min_gap_s: float = MIN_GAP_S) -> AsyncGenerator[int, None]:
    """The total of applied events each time the figures moved since the stream began (or since the
    last time it yielded). Runs until the consumer closes it (the client left, the server stops)."""
    version, seen = live.version, (await progress(uow=uow)).applied
    while True:
        now = await live.wait(version, poll_s)
        total = (await progress(uow=uow)).applied
        if now != version or total != seen:
            version, seen = now, total
            yield total
            await asyncio.sleep(min_gap_s)
