"""The one capacity rule: seats are taken and given back in single conditional statements on a
row of counters, so capacity is never exceeded at any concurrency, on SQLite (one writer) and
on PostgreSQL (the UPDATE's row lock), with any number of processes. forum's signups and
matching's first-come applications both use it.

    UPDATE events SET confirmed = confirmed + 1
     WHERE id = :id AND confirmed + held < capacity - reserved
    RETURNING confirmed

A decision that finds no seat takes a waitlist ticket in the same transaction; tickets follow
the order of decisions, and the position handed out is the queue's length at that moment
(1, 2, 3… with no gaps while nobody leaves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, Update, bindparam, literal, update
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class SeatDecision:
    seated: bool
    waitlist_ticket: int | None = None  # the order among everyone ever waitlisted here
    waitlist_position: int | None = None  # 1-based place in the queue when decided


@dataclass(frozen=True)
class Seats:
    """Which columns of `table` hold a row's counters. `taken` are the columns whose sum
    occupies seats (e.g. confirmed and held); `reserved` seats are kept back from the public."""

    table: Table
    capacity: str
    taken: Sequence[str]
    waitlisted: str
    ticket: str
    reserved: str | None = None
    key: str = "id"
    # Statements built once and run with bind parameters: building them per call cost more
    # than running them (a flash crowd decides thousands a second).
    _built: dict[tuple[str, str], Update] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _col(self, name: str) -> ColumnElement[Any]:
        return self.table.c[name]

    def _occupied(self) -> ColumnElement[Any]:
        total: ColumnElement[Any] = literal(0)
        for name in self.taken:
            total = total + self._col(name)
        return total

    def _limit(self, limit: int | None) -> ColumnElement[Any]:
        if limit is not None:
            return literal(limit)
        if self.reserved is None:
            return self._col(self.capacity)
        return self._col(self.capacity) - self._col(self.reserved)

    def _statement(self, kind: str, into: str) -> Update:
        built = self._built.get((kind, into))
        if built is not None:
            return built
        key = self._col(self.key) == bindparam("key")
        if kind == "queue":
            built = (update(self.table).where(key)
                     .values({self.waitlisted: self._col(self.waitlisted) + 1, self.ticket: self._col(self.ticket) + 1})
                     .returning(self._col(self.waitlisted), self._col(self.ticket)))
        else:
            bound = {"limit": bindparam("limit"), "all": self._col(self.capacity), "public": self._limit(None)}[kind]
            built = (update(self.table).where(key, self._occupied() < bound)
                     .values({into: self._col(into) + 1}).returning(self._col(into)))
        self._built[(kind, into)] = built
        return built

    async def take(self, session: AsyncSession, key: object, into: str, *, limit: int | None = None,
                   waitlist: bool = True, use_reserved: bool = False) -> SeatDecision:
        """A seat into column `into` if one is free (below `limit` if given, else capacity less
        the reserved seats, or the whole capacity with `use_reserved`); else a waitlist ticket
        (or nothing, with `waitlist=False`)."""
        kind = "all" if use_reserved else "limit" if limit is not None else "public"
        params: dict[str, Any] = {"key": key} | ({"limit": limit} if kind == "limit" else {})
        seated = await session.execute(self._statement(kind, into), params)
        if seated.first() is not None:
            return SeatDecision(True)
        if not waitlist:
            return SeatDecision(False)
        return await self.enqueue(session, key)

    async def promote(self, session: AsyncSession, key: object, into: str) -> bool:
        """Move one person from the waitlist into a free seat (`into`), if a seat is free."""
        moved = await session.execute(
            update(self.table).where(self._col(self.key) == key, self._occupied() < self._limit(None),
                                     self._col(self.waitlisted) > 0)
            .values({into: self._col(into) + 1, self.waitlisted: self._col(self.waitlisted) - 1})
            .returning(self._col(into)))
        return moved.first() is not None

    async def move(self, session: AsyncSession, key: object, source: str, target: str) -> None:
        """A taken seat changes kind (held → confirmed): the total does not change."""
        await session.execute(update(self.table).where(self._col(self.key) == key)
                              .values({source: self._col(source) - 1, target: self._col(target) + 1}))

    async def release(self, session: AsyncSession, key: object, source: str) -> None:
        """A seat (or, with `source` = the waitlist column, a place in line) is given back."""
        await session.execute(update(self.table).where(self._col(self.key) == key)
                              .values({source: self._col(source) - 1}))

    async def enqueue(self, session: AsyncSession, key: object) -> SeatDecision:
        """A place in line without trying for a seat (a seat given up for the next in line)."""
        queued = (await session.execute(self._statement("queue", ""), {"key": key})).one()
        return SeatDecision(False, waitlist_ticket=int(queued[1]), waitlist_position=int(queued[0]))


def lowest_capacity(*, occupied: int) -> int:
    """The rule for lowering capacity: never below the seats already taken. Nobody confirmed or
    holding a seat is dropped; an operator who needs fewer cancels signups explicitly."""
    return occupied
