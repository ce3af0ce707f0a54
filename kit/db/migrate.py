"""Alembic, driven from code: each service keeps its own migrations folder and database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from kit.db.engine import normalise_url


def alembic_config(migrations: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(migrations: Path, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations, url), revision)


def run_env(metadata: MetaData) -> None:
    """The body of every service's `env.py`: online, async, batch mode for SQLite."""
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url")
    assert url

    def _run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()

    async def _main() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(_run)
        await engine.dispose()

    asyncio.run(_main())
