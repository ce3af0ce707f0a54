"""Outbox and inbox retention on both databases: what is past its time goes, nothing else."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, func, insert, select

from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.retention import MessagingRetention, Retention
from kit.messaging.tables import PENDING, PUBLISHED, messaging_tables
from kit.telemetry import metrics

METADATA = MetaData()
TABLES = messaging_tables(METADATA)
NOW = utcnow()


def _outbox_row(state: str, age_days: float) -> dict[str, Any]:
    at = NOW - timedelta(days=age_days)
    return {"id": new_event_id(), "subject": "s", "event_type": "t.v1", "envelope": "{}", "traceparent": None,
            "state": state, "attempts": 1, "created_at": at, "published_at": at if state == PUBLISHED else None}


def _inbox_row(age_days: float) -> dict[str, Any]:
    return {"consumer": "notify-member-approved", "event_id": uuid.uuid4(), "event_type": "t.v1",
            "processed_at": NOW - timedelta(days=age_days)}


@pytest.fixture
async def db(fresh_database: Any) -> Any:
    async with fresh_database(METADATA) as database:
        yield database


async def test_only_rows_past_their_retention_are_deleted(db: Any) -> None:
    old_published = [_outbox_row(PUBLISHED, 8) for _ in range(5)]
    kept = [_outbox_row(PUBLISHED, 6), _outbox_row(PENDING, 60)]  # recent, and never sent: both stay
    old_applied = [_inbox_row(31) for _ in range(3)]
    recent_applied = [_inbox_row(29)]
    async with db.writing() as session:
        await session.execute(insert(TABLES.outbox), old_published + kept)
        await session.execute(insert(TABLES.inbox), old_applied + recent_applied)
    pruned = metrics.MESSAGING_PRUNED.labels("retention-test", "outbox")
    before = pruned._value.get()

    # Batches of two: five old outbox rows take three transactions, three inbox rows two.
    retention = MessagingRetention(service="retention-test", db=db, tables=TABLES,
                                   retention=Retention(outbox_days=7, inbox_days=30, batch=2))
    assert await retention.prune_once(now=NOW) == {"outbox": 5, "inbox": 3}

    async with db.readers() as session:
        outbox_left = set((await session.execute(select(TABLES.outbox.c.id))).scalars())
        inbox_left = set((await session.execute(select(TABLES.inbox.c.event_id))).scalars())
    assert outbox_left == {row["id"] for row in kept}
    assert inbox_left == {row["event_id"] for row in recent_applied}
    assert pruned._value.get() - before == 5
    # A second pass finds nothing more to do.
    assert await retention.prune_once(now=NOW) == {"outbox": 0, "inbox": 0}
    async with db.readers() as session:
        assert (await session.execute(select(func.count()).select_from(TABLES.outbox))).scalar_one() == 2


async def test_a_failed_pass_is_logged_and_the_loop_goes_on(
    db: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    retention = MessagingRetention(service="retention-test", db=db, tables=TABLES,
                                   retention=Retention(interval_s=0))

    async def broken(now: Any = None) -> dict[str, int]:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(retention, "prune_once", broken)
    await retention.cycle()  # returns, so the Loop runs it again
    assert any(r.message == "messaging.retention.failed" for r in caplog.records)
