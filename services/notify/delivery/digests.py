"""The daily digest: held entries go out as one email at the recipient's chosen JST time.

A job on the kit's worker. Its due rows are the recipients whose digest time has come
(`recipient_settings.digest_due_at`); settling one queues the digest email through the same
dispatch as every message (and its events into the outbox), marks the entries it lists, and
clears the due time, in one transaction. The digest's idempotency key is (recipient, JST day),
so a digest is never sent twice, whatever the retries (the duplicate digests Novu users report).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.db.engine import Database
from kit.messaging.outbox import OutboxWriter
from kit.worker import Backoff, DueQuery, Outcome, Worker
from services.notify.delivery import repository
from services.notify.delivery.announce import Emit, write
from services.notify.delivery.dispatch import notify_person
from services.notify.delivery.domain.policy import JST
from services.notify.messages.catalog import APPLICATIONS_DIGEST
from services.notify.models import DigestEntry, RecipientSettings
from services.notify.preferences.tokens import UnsubscribeLinks

DIGEST_NAMESPACE = uuid.UUID("6f1c9c1e-4d7b-4c64-9a53-0d3f3c2b8d11")


@dataclass(frozen=True, slots=True)
class DueDigest:
    id: str  # the recipient
    due_at: datetime
    locale: str | None
    attempts: int = 0
    traceparent: str | None = None


class DigestJob:
    name = "digests"
    backoff = Backoff(base_s=60.0, factor=2.0, cap_s=3600.0, max_attempts=None)

    def __init__(self, links: UnsubscribeLinks, outbox: OutboxWriter) -> None:
        self.links = links
        self.outbox = outbox

    def due(self, now: datetime, limit: int) -> DueQuery:
        r = RecipientSettings
        return (select(r.recipient, r.digest_due_at, r.locale).where(r.digest_due_at <= now)
                .order_by(r.digest_due_at).limit(limit))

    def item(self, row: Row[Any]) -> DueDigest:
        return DueDigest(row.recipient, row.digest_due_at, row.locale)

    async def perform(self, items: Sequence[DueDigest]) -> list[BaseException | None]:
        return [None] * len(items)  # nothing leaves the process here: the digest email is queued in settle

    async def settle(self, session: AsyncSession, items: Sequence[DueDigest], outcomes: Sequence[Outcome]) -> None:
        events: list[EventContract] = []
        for digest in items:
            await self.queue_digest(session, events.append, digest)
        await write(session, self.outbox, events)

    async def queue_digest(self, session: AsyncSession, emit: Emit, digest: DueDigest) -> None:
        entries = await repository.pending_digest_entries(session, digest.id)
        await session.execute(update(RecipientSettings).where(RecipientSettings.recipient == digest.id)
                              .values(digest_due_at=None))
        if not entries:
            return
        day = digest.due_at.astimezone(JST).date()
        # One digest per recipient and scheduled time: its key, so a rerun finds the row it made.
        source = uuid.uuid5(DIGEST_NAMESPACE, f"{digest.id}:{digest.due_at.isoformat()}")
        planned = await notify_person(
            session, emit, links=self.links, message=APPLICATIONS_DIGEST, to=digest.id,
            locale=digest.locale or entries[0].locale, data={"entries": [e.line for e in entries], "date": day},
            source_event_id=source)
        carried_by = planned.email.id if planned.email is not None else source
        await session.execute(update(DigestEntry).where(DigestEntry.id.in_([e.id for e in entries]))
                              .values(digest_id=carried_by))


def digest_worker(db: Database, *, links: UnsubscribeLinks, outbox: OutboxWriter,
                  sweep_interval_s: float = 30.0) -> Worker[DueDigest]:
    return Worker(DigestJob(links, outbox), db=db, service="notify", batch_size=20,
                  sweep_interval_s=sweep_interval_s)
