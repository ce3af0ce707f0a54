"""The outbox and inbox tables in a service's first migration: one definition for every service.

Migrations are history, so this is version 1 of the messaging schema and never
changes; a later change to these tables is a new function here and a new
revision in every service.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kit.db.types import UTCDateTime


def create_messaging_tables_v1(op: Any) -> None:
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=128), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=255), nullable=False),
        sa.Column("processed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=255), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("traceparent", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_state_id", "outbox", ["state", "id"])


def drop_messaging_tables_v1(op: Any) -> None:
    op.drop_index("ix_outbox_state_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_inbox_processed_at", table_name="inbox")
    op.drop_table("inbox")
