"""The unit of work on both databases: state and outbox rows commit together or not at all,
and every way out of the block gives its connection back (on SQLite: leaves the shared writer
connection outside any transaction)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from bench import probe
from kit.db.engine import Database, open_database
from kit.messaging.relay import PendingEvent
from kit.messaging.subjects import Naming
from kit.messaging.tables import messaging_tables
from kit.messaging.unit_of_work import OutboxWriter, UnitOfWorkFactory

METADATA = MetaData()
TABLES = messaging_tables(METADATA)
NOTES = Table("notes", METADATA, Column("id", Integer, primary_key=True), Column("body", String, nullable=False))


@pytest.fixture
async def uow(fresh_database: Any) -> Any:
    async with fresh_database(METADATA) as db:
        handed_over: list[PendingEvent] = []
        factory = UnitOfWorkFactory(db, OutboxWriter(producer="benchsrc", tables=TABLES, naming=Naming("t")),
                                    on_commit=handed_over.extend)
        factory.handed_over = handed_over  # type: ignore[attr-defined]
        yield factory


async def _counts(db: Database) -> tuple[int, int]:
    async with db.readers() as session:
        notes = (await session.execute(select(func.count()).select_from(NOTES))).scalar_one()
        events = (await session.execute(select(func.count()).select_from(TABLES.outbox))).scalar_one()
    return notes, events


def _checked_out(db: Database) -> int:
    """Connections not given back, counting an open transaction on SQLite's shared writer
    connection, which itself stays open between writers by design."""
    pooled = db.engine.sync_engine.pool.checkedout()  # type: ignore[attr-defined]
    if db.dialect == "sqlite":
        return int(pooled) - 1 + int(db.write_in_progress)
    return int(pooled)


async def test_commit_writes_state_and_event_together_and_hands_the_event_over(uow: Any) -> None:
    async with uow() as tx:
        await tx.session.execute(insert(NOTES).values(body="approved"))
        envelope = tx.emit(probe.ProbeSent(seq=1, sent_at=0.0))
        await tx.commit()
    assert await _counts(uow.db) == (1, 1)
    assert [row.id for row in uow.handed_over] == [envelope.id]
    assert _checked_out(uow.db) == 0


async def test_reading_after_commit_still_gives_the_connection_back(uow: Any) -> None:
    async with uow() as tx:
        await tx.session.execute(insert(NOTES).values(body="approved"))
        await tx.commit()
        # A read after the commit begins a new transaction on a pooled connection.
        assert (await tx.session.execute(select(func.count()).select_from(NOTES))).scalar_one() == 1
        assert tx.session.sync_session.in_transaction()
    assert _checked_out(uow.db) == 0
    assert await _counts(uow.db) == (1, 0)


async def test_leaving_without_commit_writes_nothing(uow: Any) -> None:
    with pytest.raises(RuntimeError):
        async with uow() as tx:
            await tx.session.execute(insert(NOTES).values(body="half"))
            tx.emit(probe.ProbeSent(seq=1, sent_at=0.0))
            raise RuntimeError("the use case failed")
    assert await _counts(uow.db) == (0, 0)
    assert uow.handed_over == []
    assert _checked_out(uow.db) == 0


async def test_a_failing_outbox_insert_undoes_the_state_change(uow: Any) -> None:
    async with uow() as tx:
        envelope = tx.emit(probe.ProbeSent(seq=1, sent_at=0.0))
        await tx.commit()
    with pytest.raises(IntegrityError):
        async with uow() as tx:
            await tx.session.execute(insert(NOTES).values(body="approved"))
            tx.events.append(envelope)  # the same event id again: the outbox's primary key refuses it
            await tx.commit()
    assert await _counts(uow.db) == (0, 1)
    assert len(uow.handed_over) == 1
    assert _checked_out(uow.db) == 0


async def test_sqlite_writer_recovers_from_a_transaction_left_open(tmp_path: Path) -> None:
    """A writer cancelled while rolling back can leave the shared connection in a transaction:
    the next writer rolls it back first instead of failing on BEGIN."""
    db = open_database(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(METADATA.create_all)
        abandoned = await db.write_session()
        await abandoned.begin()
        await abandoned.execute(insert(NOTES).values(body="never committed"))
        assert db.write_in_progress
        async with db.writing() as session:
            await session.execute(insert(NOTES).values(body="committed"))
        assert not db.write_in_progress
        async with db.readers() as session:
            assert (await session.execute(select(NOTES.c.body))).scalars().all() == ["committed"]
    finally:
        await db.dispose()
