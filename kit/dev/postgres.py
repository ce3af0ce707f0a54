"""Throwaway PostgreSQL databases, for the tests and the benchmarks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
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
async def throwaway_database(admin_url: str, label: str) -> AsyncIterator[str]:
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
