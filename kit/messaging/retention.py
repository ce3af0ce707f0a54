"""Keeps the outbox and inbox tables from growing for ever.

- outbox: a row has done its work once JetStream acknowledged it (`published`). It is kept
  `outbox_days` (default 7) for operators who look into a delivery, then deleted. A pending row
  is never deleted, however old: it is an event not yet sent.
- inbox: a row stops a redelivered event from being applied twice. Redeliveries come within
  minutes, but one case comes later: a relay that crashed between JetStream's ack and marking the
  row publishes it again when its service restarts, past JetStream's 2-minute duplicate window.
  So inbox rows are kept `inbox_days` (default 30, the streams' `max_age`), and a producer down
  for longer than that, exactly in that window, could have one event applied twice.

Rows go in small batches, each its own transaction, so SQLite's writer is never held for long.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Delete, delete, select, tuple_

from kit import defaults
from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.tables import PUBLISHED, MessagingTables
from kit.telemetry import metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retention:
    outbox_days: float = defaults.OUTBOX_RETENTION_DAYS
    inbox_days: float = defaults.INBOX_RETENTION_DAYS
    batch: int = 1000
    interval_s: float = 600.0


class MessagingRetention:
    def __init__(self, *, service: str, db: Database, tables: MessagingTables, retention: Retention) -> None:
        self.service = service
        self.db = db
        self.outbox = tables.outbox
        self.inbox = tables.inbox
        self.retention = retention
        self._pruned = {table: metrics.MESSAGING_PRUNED.labels(service, table) for table in ("outbox", "inbox")}

    async def cycle(self) -> None:
        """One pass, then a pause: the body of the service's retention `Loop`."""
        try:
            await self.prune_once()
        except Exception:  # noqa: BLE001 - the next pass tries again; every batch is its own transaction
            log.exception("messaging.retention.failed", extra={"service": self.service})
        await asyncio.sleep(self.retention.interval_s)

    async def prune_once(self, now: datetime | None = None) -> dict[str, int]:
        """Delete what is past its retention; returns how many rows went from each table."""
        now = now or utcnow()
        outbox, inbox = self.outbox, self.inbox
        # Event ids are time-ordered, so walking (state, id) finds the oldest published rows first.
        old_published = (select(outbox.c.id)
                         .where(outbox.c.state == PUBLISHED,
                                outbox.c.published_at < now - timedelta(days=self.retention.outbox_days))
                         .order_by(outbox.c.id).limit(self.retention.batch))
        old_applied = (select(inbox.c.consumer, inbox.c.event_id)
                       .where(inbox.c.processed_at < now - timedelta(days=self.retention.inbox_days))
                       .order_by(inbox.c.processed_at).limit(self.retention.batch))
        removed = {
            "outbox": await self._in_batches(delete(outbox).where(outbox.c.id.in_(old_published.scalar_subquery()))),
            "inbox": await self._in_batches(
                delete(inbox).where(tuple_(inbox.c.consumer, inbox.c.event_id).in_(old_applied))),
        }
        for table, count in removed.items():
            self._pruned[table].inc(count)
        return removed

    async def _in_batches(self, statement: Delete) -> int:
        total = 0
        while True:
            async with self.db.writing() as session:
                result = await session.execute(statement)
            count = int(result.rowcount)  # type: ignore[attr-defined]
            total += count
            if count < self.retention.batch:
                return total
