"""The capacity rule in memory (`Tally`, for batches) decides exactly as the conditional
UPDATEs (`Seats.take`) do, for any sequence of requests; `settle` writes a tally back and
refuses to overwrite counters that moved meanwhile."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, update

from kit.capacity import Seats, SeatsMoved
from kit.db.engine import Database, open_database

metadata = MetaData()
rows = Table("rows", metadata, Column("id", Integer, primary_key=True), Column("capacity", Integer),
             Column("reserved", Integer), Column("confirmed", Integer), Column("held", Integer),
             Column("waitlisted", Integer), Column("ticket", Integer))
SEATS = Seats(rows, capacity="capacity", taken=("confirmed", "held"), waitlisted="waitlisted", ticket="ticket",
              reserved="reserved")
KEYS = itertools.count(1, 2)  # a fresh pair of rows for every example
REQUEST = st.tuples(st.sampled_from(["confirmed", "held"]), st.one_of(st.none(), st.integers(0, 6)),
                    st.booleans(), st.booleans())


@pytest.fixture(scope="module")
async def db(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    path: Path = tmp_path_factory.mktemp("tally") / "seats.sqlite3"
    database = open_database(f"sqlite+aiosqlite:///{path}")
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def fresh_row(db: Database, key: int, capacity: int, reserved: int) -> None:
    async with db.writing() as session:
        await session.execute(insert(rows).values(id=key, capacity=capacity, reserved=reserved, confirmed=0, held=0,
                                                  waitlisted=0, ticket=0))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=st.integers(0, 6), reserved=st.integers(0, 2), requests=st.lists(REQUEST, max_size=12))
async def test_in_memory_decisions_equal_the_conditional_updates(db: Database, capacity: int, reserved: int,
                                                                 requests: list[tuple[str, int | None, bool, bool]],
                                                                 ) -> None:
    by_sql = next(KEYS)
    in_memory = by_sql + 1
    await fresh_row(db, by_sql, capacity, reserved)
    await fresh_row(db, in_memory, capacity, reserved)
    async with db.writing() as session:
        sql = [await SEATS.take(session, by_sql, into, limit=limit, waitlist=waitlist, use_reserved=use_reserved)
               for into, limit, waitlist, use_reserved in requests]
        tally = await SEATS.tally(session, in_memory)
        assert tally is not None
        before = tally.copy()
        memory = [tally.take(into, limit=limit, waitlist=waitlist, use_reserved=use_reserved)
                  for into, limit, waitlist, use_reserved in requests]
        await SEATS.settle(session, in_memory, before, tally)
    assert memory == sql
    async with db.readers() as session:
        counters = [tuple(r) for r in (await session.execute(
            select(rows.c.confirmed, rows.c.held, rows.c.waitlisted, rows.c.ticket)
            .where(rows.c.id.in_([by_sql, in_memory])).order_by(rows.c.id))).all()]
    assert counters[0] == counters[1]


async def test_settle_refuses_counters_that_moved(db: Database) -> None:
    key = next(KEYS)
    await fresh_row(db, key, 2, 0)
    async with db.writing() as session:
        tally = await SEATS.tally(session, key)
        assert tally is not None
        before = tally.copy()
        tally.take("confirmed")
        await session.execute(update(rows).where(rows.c.id == key).values(held=1))  # someone else's seat
        with pytest.raises(SeatsMoved):
            await SEATS.settle(session, key, before, tally)
