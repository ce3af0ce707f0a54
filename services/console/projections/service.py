"""The read models' upkeep: where each one is (`status`), and building them again from the streams
(`rebuild`, run by `kakawari console rebuild`).

A rebuild runs while the console's live consumers keep running:

1. every stream must exist (a wrong NATS_URL or namespace would replay nothing into emptied tables),
   and still hold its first message: a stream keeps a year of events (`kit/defaults.py`), and the
   facts it no longer holds would be lost, imports included; `partial=True` accepts that;
2. one transaction deletes every projection row and the console's inbox; the inbox too, or the
   replay would skip every event as applied before. On PostgreSQL it locks the tables, so live
   deliveries in flight finish first and new ones wait for the commit; SQLite's one writer does that;
3. each stream is replayed from its start up to its last sequence as of then, through the console's
   inbox applier, in stream order (`kit.messaging.replay`).

An event that arrives meanwhile is either in the replay (stored before the replay read the stream's
end) or after it, and then the durable consumer, which never stopped, delivers it. Where both deliver
one event (a durable that was behind, or a redelivery), the inbox row the first wrote makes the second
a duplicate: every event is applied once, and the counts (`Checkpoint.applied`) come out exact.
Projections are dated facts (and gatherings and programs keep the facts published last), so the
figures do not depend on which of the two came first; only a member's current name and kind are
whatever was applied last, as they are live.

A restart re-applies nothing without help from the checkpoints: each durable resumes after what it
acked. If NATS lost a durable, it is created again from the stream's start and every event it
delivers again is a duplicate in the inbox (kept as long as the streams keep messages,
`kit.messaging.retention`): no handler runs, no checkpoint moves. It is not created to start after the
checkpoint: that is the highest sequence applied, not a floor, and an earlier event of the type
waiting for a retry would be skipped for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kit.messaging.replay import Replay, StreamReplay
from kit.messaging.subjects import Naming
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.console.projections import repository


@dataclass(frozen=True)
class CheckpointView:
    """Where the read models are for one event type."""

    event_type: str
    producer: str
    stream: str
    sequence: int  # the highest stream sequence applied
    applied: int  # events of the type applied
    updated_at: datetime


async def status(*, uow: UnitOfWorkFactory, naming: Naming) -> list[CheckpointView]:
    """Every event type applied so far, by producer."""
    async with uow.read() as session:
        rows = await repository.checkpoints(session)
    return [CheckpointView(event_type=r.event_type, producer=r.producer, stream=naming.stream(r.producer),
                           sequence=r.sequence, applied=r.applied, updated_at=r.updated_at) for r in rows]


class StreamsTruncated(Exception):
    """Streams no longer hold their first messages: a rebuild would lose the facts they carried."""

    def __init__(self, lost: dict[str, int]) -> None:
        super().__init__(", ".join(f"{stream}: the first {n} messages are gone" for stream, n in lost.items()))
        self.lost = lost  # stream -> how many of its first sequences it no longer holds


async def rebuild(*, uow: UnitOfWorkFactory, replay: Replay[Any], partial: bool = False) -> list[StreamReplay]:
    """Empty the read models and the inbox, then replay every stream the console reads into them."""
    lost = {stream: first - 1 for stream, first in (await replay.check()).items() if first > 1}
    if lost and not partial:
        raise StreamsTruncated(lost)
    async with uow() as tx:
        await repository.clear(tx.session)
        await tx.commit()
    return await replay.run()
