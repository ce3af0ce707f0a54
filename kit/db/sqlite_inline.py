"""An aiosqlite-compatible connection that runs SQLite calls on the event loop thread.

Why: aiosqlite sends every call to a worker thread and back, and that hop costs
far more than a WAL-mode SQLite statement, so with several calls per unit of work
the hops, not SQLite, would set the ceiling. Inline calls never block on a lock
(writers are queued by `Database.write_lock`, WAL readers never wait on the
writer); a slow disk write can still hold the loop, but a thread would free the
loop and not the writer waiting for that commit. This is for SQLite in
development and all-in-one mode (`KAKAWARI_SQLITE_DRIVER=thread` goes back to
aiosqlite's thread); production runs PostgreSQL on asyncpg. The measurements are
in docs/performance.md.

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
