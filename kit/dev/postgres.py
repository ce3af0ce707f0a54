"""Throwaway PostgreSQL databases, for the tests and the benchmarks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url


def _asyncpg_dsn(url: str, database: str | None = None) -> tuple[str, dict[str, str]]:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    query = dict(parsed.query)
    host = query.pop("host", None)
    dsn = parsed.set(query={}).render_as_string(hide_password=False)
    return dsn, ({"host": str(host)} if host else {})


@asynccontextmanager
async def connect(url: str, database: str | None = None) -> AsyncIterator[asyncpg.Connection]:
    """A plain asyncpg connection to `url` (a SQLAlchemy URL, any driver), or to its `database`; closed after."""
    dsn, extra = _asyncpg_dsn(url, database)
    conn = await asyncpg.connect(dsn, **extra)
    try:
        yield conn
    finally:
        await conn.close()


async def drop_databases(admin_url: str, prefix: str, services: Iterable[str]) -> None:
    """Undo a per-service setup (`kakawari up-distributed --db-prefix PREFIX`): its databases and roles."""
    async with connect(admin_url) as conn:
        for service in services:
            await conn.execute(f'DROP DATABASE IF EXISTS "{prefix}_{service}" WITH (FORCE)')
            for role in (f"{prefix}_{service}", f"{prefix}_{service}_owner"):
                await conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@asynccontextmanager
async def throwaway_database(admin_url: str, label: str) -> AsyncIterator[str]:
    """A fresh database for one test; dropped afterwards, whatever happened."""
    name = f"t_{label}_{uuid.uuid4().hex[:10]}"
    async with connect(admin_url) as conn:
        await conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        async with connect(admin_url) as conn:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
