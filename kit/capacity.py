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

Many decisions in one transaction (a flash crowd's group commit, `kit/batching.py`): `tally`
reads the counters under the row's lock (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
already excludes every other writer), `Tally.take` applies the same rule in memory, decision
by decision, and `settle` writes the result back with one compare-and-set UPDATE, which fails
rather than overwrite counters that moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, Update, and_, bindparam, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class SeatDecision:
    seated: bool
    waitlist_ticket: int | None = None  # the order among everyone ever waitlisted here
    waitlist_position: int | None = None  # 1-based place in the queue when decided


class SeatsMoved(Exception):
    """The counters changed between `tally` and `settle`: the batch must be decided again."""


@dataclass
class Tally:
    """A row's counters, read under its lock, for deciding many requests in memory."""

    capacity: int
    reserved: int
    taken: dict[str, int]
    waitlisted: int
    ticket: int

    def occupied(self) -> int:
        return sum(self.taken.values())

    def take(self, into: str, *, limit: int | None = None, waitlist: bool = True,
             use_reserved: bool = False) -> SeatDecision:
        """`Seats.take`'s rule, in memory."""
        bound = self.capacity if use_reserved else limit if limit is not None else self.capacity - self.reserved
        if self.occupied() < bound:
            self.taken[into] += 1
            return SeatDecision(True)
        if not waitlist:
            return SeatDecision(False)
        self.waitlisted += 1
        self.ticket += 1
        return SeatDecision(False, waitlist_ticket=self.ticket, waitlist_position=self.waitlisted)

    def copy(self) -> Tally:
        return Tally(self.capacity, self.reserved, dict(self.taken), self.waitlisted, self.ticket)


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
    _built: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _counters(self) -> list[str]:
        return [*self.taken, self.waitlisted, self.ticket]

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
        built: Update | None = self._built.get((kind, into))
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

    def _tally_statement(self) -> Select[Any]:
        built = self._built.get(("tally", ""))
        if built is None:
            columns = [self._col(self.capacity), self._col(self.reserved) if self.reserved else literal(0),
                       *(self._col(name) for name in self._counters())]
            built = select(*columns).where(self._col(self.key) == bindparam("key")).with_for_update()
            self._built[("tally", "")] = built
        return built

    def _settle_statement(self) -> Update:
        built = self._built.get(("settle", ""))
        if built is None:
            names = self._counters()
            built = (update(self.table)
                     .where(self._col(self.key) == bindparam("key"),
                            and_(*(self._col(n) == bindparam(f"old_{n}") for n in names)))
                     .values({n: bindparam(f"new_{n}") for n in names}))
            self._built[("settle", "")] = built
        return built

    async def tally(self, session: AsyncSession, key: object) -> Tally | None:
        """The row's counters, locked until the transaction ends (None: no such row)."""
        row = (await session.execute(self._tally_statement(), {"key": key})).first()
        if row is None:
            return None
        capacity, reserved, *counts = row
        taken = dict(zip(self.taken, counts[: len(self.taken)], strict=True))
        return Tally(capacity, reserved, taken, *counts[len(self.taken):])

    async def settle(self, session: AsyncSession, key: object, before: Tally, after: Tally) -> None:
        """Write `after`'s counters, if they are still `before`'s (else raise SeatsMoved)."""
        if after == before:
            return
        old = [*before.taken.values(), before.waitlisted, before.ticket]
        new = [*after.taken.values(), after.waitlisted, after.ticket]
        names = self._counters()
        params = {"key": key} | {f"old_{n}": v for n, v in zip(names, old, strict=True)} \
            | {f"new_{n}": v for n, v in zip(names, new, strict=True)}
        written = await session.execute(self._settle_statement(), params)
        if written.rowcount != 1:  # type: ignore[attr-defined]
            raise SeatsMoved(f"{self.table.name} {key}: counters moved during the batch")

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
