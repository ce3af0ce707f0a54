"""Engines that behave the same on SQLite and PostgreSQL.

SQLite needs care to be a good async citizen: WAL so readers never block the
writer, a busy timeout, and write transactions opened with BEGIN IMMEDIATE so two
writers queue up instead of failing when a read lock would have to be upgraded.
A long-running service also checkpoints the WAL in the background rather than
inside its commits (see `kit.db.checkpoint`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from kit.config import DatabasePool
from kit.db.checkpoint import WalCheckpointer
from kit.db.sqlite_inline import inline_creator

_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` or `sqlite:///` URLs and pick the async driver."""
    parsed = make_url(url)
    if "+" not in parsed.drivername:
        parsed = parsed.set(drivername=_DRIVERS.get(parsed.drivername, parsed.drivername))
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _configure_sqlite(engine: AsyncEngine, *, background_checkpoints: bool) -> None:
    pragmas = ["journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"]
    if background_checkpoints:
        pragmas.append("wal_autocheckpoint=0")

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN (needed for SAVEPOINTs to work).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        # Straight to the driver: BEGIN needs no statement pipeline (nor a span of its own).
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute(f"BEGIN {mode}")
        cursor.close()


@dataclass
class Database:
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    readers: async_sessionmaker[AsyncSession]
    # SQLite has one writer at a time. Queueing writers here, in the event loop, is far
    # cheaper than letting them spin in SQLite's busy handler; PostgreSQL needs no queue.
    write_lock: AbstractAsyncContextManager[object] = field(default_factory=nullcontext)
    checkpointer: WalCheckpointer | None = None
    # SQLite's writers, queued by `write_lock`, take turns on one connection kept open, rather
    # than each checking one out of the pool and resetting it on return, which was a large
    # share of a unit of work's cost. PostgreSQL writers run side by side, each on a pooled
    # connection.
    _writer: AsyncConnection | None = None

    @property
    def write_in_progress(self) -> bool:
        """True while SQLite's shared writer connection is inside a transaction."""
        return self._writer is not None and not self._writer.closed and self._writer.in_transaction()

    async def write_session(self) -> AsyncSession:
        """A session for one write transaction. On SQLite, hold `write_lock` while it is open."""
        if self.dialect != "sqlite":
            return self.sessions()
        if self._writer is None or self._writer.closed:
            self._writer = await self.engine.connect()
        elif self._writer.in_transaction():  # a writer cancelled mid-rollback left it open
            await self._writer.rollback()
        return AsyncSession(bind=self._writer, expire_on_commit=False)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """One write transaction, queued behind SQLite's other writers: committed if the block
        ends normally, rolled back if it raises."""
        async with self.write_lock:
            session = await self.write_session()
            async with session, session.begin():
                yield session

    def start(self) -> None:
        """Start background upkeep (SQLite WAL checkpoints), for a long-running service."""
        if self.checkpointer is not None:
            self.checkpointer.start()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def ping(self) -> bool:
        try:
            # A read (DEFERRED on SQLite): a BEGIN IMMEDIATE here would wait on the writer's lock,
            # and with SQLite inline on the event loop, wait on it with the whole loop stopped.
            async with self.readers() as session:
                await session.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - readiness reports any failure as "not ready"
            return False

    async def dispose(self) -> None:
        if self.checkpointer is not None:
            await self.checkpointer.stop()
        if self._writer is not None:
            await self._writer.close()
        await self.engine.dispose()


def open_database(url: str, *, echo: bool = False, background_checkpoints: bool = False,
                  pool: DatabasePool | None = None) -> Database:
    """`background_checkpoints`: for a long-running service that calls `Database.start()`;
    short-lived users (migrations, tools) keep SQLite's automatic checkpoints. `pool`: PostgreSQL's
    connection pool, by default KAKAWARI_DB_POOL_SIZE and KAKAWARI_DB_MAX_OVERFLOW (at most their sum
    open at once per process; deploy/README.md adds them up against the server's max_connections)."""
    url = normalise_url(url)
    sqlite = is_sqlite(url)
    database = make_url(url).database if sqlite else None
    path = database if database and database != ":memory:" else None  # a SQLite file, if there is one
    background_checkpoints = bool(background_checkpoints and path)
    kwargs: dict[str, Any] = {"echo": echo}
    if sqlite:
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
        if database and os.getenv("KAKAWARI_SQLITE_DRIVER", "inline") == "inline":
            kwargs["async_creator"] = inline_creator(database)
    else:
        pool = pool or DatabasePool.from_env()
        kwargs.update(pool_size=pool.size, max_overflow=pool.max_overflow, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    write_lock: AbstractAsyncContextManager[object] = nullcontext()
    checkpointer = None
    if sqlite:
        _configure_sqlite(engine, background_checkpoints=background_checkpoints)
        write_lock = asyncio.Lock()
        if background_checkpoints and path:
            checkpointer = WalCheckpointer(path, write_lock)
    read_engine = engine.execution_options(sqlite_begin="DEFERRED")
    return Database(
        url=url,
        engine=engine,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
        readers=async_sessionmaker(read_engine, expire_on_commit=False),
        write_lock=write_lock,
        checkpointer=checkpointer,
    )
