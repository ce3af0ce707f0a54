"""SQLite in a long-running service: checkpoints happen in the background, not in commits."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from kit.db.engine import open_database
from tests.support.servers import wait_for

METADATA = MetaData()
NOTES = Table("notes", METADATA, Column("id", Integer, primary_key=True), Column("body", String))


async def _write(db, rows: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(rows):  # one small transaction each, like a stream of use cases
        async with db.writing() as session:
            await session.execute(insert(NOTES).values(body=f"note {i} " + "x" * 200))


async def test_commits_leave_checkpoints_to_the_background(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'svc.db'}", background_checkpoints=True)
    async with db.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    db.start()
    try:
        async with db.readers() as session:
            assert (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 0
        await _write(db, 600)
        checkpointer = db.checkpointer
        assert checkpointer is not None
        # Every frame the WAL holds gets copied into the database file, without a commit doing it.
        await wait_for(lambda: checkpointer.last is not None and checkpointer.last[1] > 0
                     and checkpointer.last[1] == checkpointer.last[2])
        async with db.readers() as session:
            assert (await session.execute(select(NOTES.c.id).order_by(NOTES.c.id.desc()))).first() == (600,)
    finally:
        await db.dispose()
    # After the service stops, another process sees every row from the database file alone.
    with sqlite3.connect(tmp_path / "svc.db") as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone() == (600,)


async def test_a_grown_wal_is_truncated(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'svc.db'}", background_checkpoints=True)
    assert db.checkpointer is not None
    db.checkpointer.truncate_bytes = 64 * 1024
    async with db.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    await _write(db, 300)  # before start: the WAL grows with nothing to checkpoint it
    wal = tmp_path / "svc.db-wal"
    assert wal.stat().st_size > 64 * 1024
    db.start()
    try:
        await wait_for(lambda: wal.stat().st_size == 0)
        await _write(db, 10)  # and the database carries on as before
        async with db.readers() as session:
            assert (await session.execute(select(NOTES.c.id).order_by(NOTES.c.id.desc()))).first() == (310,)
    finally:
        await db.dispose()


async def test_short_lived_users_keep_sqlites_own_checkpoints(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'tool.db'}")
    try:
        assert db.checkpointer is None
        async with db.readers() as session:
            assert (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 1000
    finally:
        await db.dispose()


async def test_an_idle_database_is_left_alone_until_the_next_write(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'svc.db'}", background_checkpoints=True)
    async with db.engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    checkpointer = db.checkpointer
    assert checkpointer is not None
    db.start()
    try:
        await _write(db, 20)
        await wait_for(lambda: checkpointer.last is not None and checkpointer.last[1] == checkpointer.last[2] > 0)
        await asyncio.sleep(checkpointer.interval_s * 3)  # a round that began mid-write may run once more
        checkpointer.last = None
        await asyncio.sleep(checkpointer.interval_s * 4)
        assert checkpointer.last is None  # no writes, so no checkpoint rounds
        await _write(db, 1)
        await wait_for(lambda: checkpointer.last is not None)
    finally:
        await db.dispose()
