"""The outbox's write side: contracts become envelopes, envelopes become outbox rows.

A unit of work writes the rows in the same transaction as the state change; the relay
publishes them once committed (`PendingEvent` is a row as the relay needs it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kit.contracts.base import EventContract
from kit.db.types import utcnow
from kit.messaging.envelope import Envelope
from kit.messaging.subjects import Naming
from kit.messaging.tables import PENDING, MessagingTables


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An outbox row as the relay needs it."""

    id: UUID
    subject: str
    envelope: str
    traceparent: str | None
    attempts: int = 0


OnCommit = Callable[[list[PendingEvent]], None]


class OutboxWriter:
    """Turns contracts into envelopes and envelopes into outbox rows."""

    def __init__(self, *, producer: str, tables: MessagingTables, naming: Naming) -> None:
        self.producer = producer
        self.tables = tables
        self.naming = naming
        self._insert = insert(tables.outbox)

    def envelope(self, event: EventContract) -> Envelope:
        return Envelope.wrap(event, producer=self.producer)

    async def write(self, session: AsyncSession, envelopes: list[Envelope]) -> list[PendingEvent]:
        """Insert the outbox rows; returns them for the relay's hot path once committed."""
        return await session.run_sync(self.insert, envelopes) if envelopes else []

    def insert(self, session: Session, envelopes: list[Envelope]) -> list[PendingEvent]:
        """`write` for code already inside SQLAlchemy's greenlet (`run_sync`)."""
        if not envelopes:
            return []
        now = utcnow()
        rows = [
            PendingEvent(env.id, self.naming.subject(env.versioned_type), env.model_dump_json(), env.traceparent)
            for env in envelopes
        ]
        session.execute(
            self._insert,
            [
                {"id": row.id, "subject": row.subject, "event_type": env.versioned_type, "envelope": row.envelope,
                 "traceparent": row.traceparent, "state": PENDING, "attempts": 0, "created_at": now}
                for row, env in zip(rows, envelopes, strict=True)
            ],
        )
        return rows
