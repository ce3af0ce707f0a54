"""The outbox and inbox tables, added to each service's own metadata.

Every service owns a copy in its own database, so the outbox row commits in the
same transaction as the state change and the inbox row in the same transaction
as the handler's effects.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Index, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text, Uuid

from kit.db.types import UTCDateTime

PENDING = "pending"
PUBLISHED = "published"


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),  # the event id, also the Nats-Msg-Id
        Column("subject", String(255), nullable=False),
        Column("event_type", String(255), nullable=False),
        Column("envelope", Text, nullable=False),  # serialized once, published as-is
        Column("traceparent", String(64)),
        Column("state", String(16), nullable=False, default=PENDING),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("published_at", UTCDateTime()),
        Index("ix_outbox_state_id", "state", "id"),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(128), nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("event_type", String(255), nullable=False),
        Column("processed_at", UTCDateTime(), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
        Index("ix_inbox_processed_at", "processed_at"),
    )
    return MessagingTables(outbox=outbox, inbox=inbox)
