"""An aiosqlite-compatible connection that runs SQLite calls on the event loop thread.

Why: aiosqlite sends every call to a worker thread and back, about 100 µs a hop
on this machine, while a WAL-mode SQLite statement takes a few µs. A unit of
work makes four or five calls, so the hops, not SQLite, set the ceiling
(measured: ~550 transactions/s through aiosqlite, several times that inline).
Writers are already queued by `Database.write_lock` and WAL readers never wait
on the writer, so an inline call never blocks on a lock. It can wait on the
disk, though: on this project's VM a slow journal commit elsewhere has held a
WAL write for up to 0.3 s, and the whole loop with it (seen in
`kakawari_event_loop_lag_seconds`). A thread would free the loop but not the
writer, who still waits for that commit. This is for SQLite in development and
all-in-one mode; production runs PostgreSQL on asyncpg.

SQLAlchemy's aiosqlite dialect takes it through `async_creator`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class _Cursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> _Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> _Cursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, seq: Iterable[Sequence[Any] | dict[str, Any]]) -> _Cursor:
        self._cursor.executemany(sql, seq)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def nextset(self) -> None:
        return None

    async def close(self) -> None:
        self._cursor.close()


class _ImmediateQueue:
    """Stands in for aiosqlite's call queue, which SQLAlchemy uses to set isolation_level."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:  # noqa: BLE001 - handed back through the future
            future.set_exception(exc)


class InlineConnection:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._connection = conn  # aiosqlite's "is open" marker
        self._tx = _ImmediateQueue()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> _Cursor:
        return _Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> _Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._conn.close()
            self._connection = None  # type: ignore[assignment]

    def stop(self) -> None:
        self._conn.close()


def inline_creator(path: str, timeout_s: float = 30.0) -> Callable[[], Any]:
    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(path, timeout=timeout_s, check_same_thread=False))

    return connect
