"""Each service's migrations build exactly the schema its models declare, on SQLite and
PostgreSQL, and run down and up again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from kakawari import catalog
from kit.db.migrate import alembic_config
from tests.support.platform import database_urls, upgrade_async


async def _differences(url: str, metadata: MetaData) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: list(compare_metadata(MigrationContext.configure(sync), metadata)))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", catalog.SERVICE_NAMES)
async def test_migrations_match_models_and_round_trip(service: str, backend: str, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    pg_admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None
    definition = catalog.load(service)
    assert definition.migrations is not None
    async with database_urls(backend, [service], tmp_path, pg_admin) as urls:
        url = urls[service]
        await upgrade_async(definition.migrations, url)
        assert await _differences(url, definition.metadata) == []
        config = alembic_config(definition.migrations, url)
        await asyncio.to_thread(command.downgrade, config, "base")
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await _differences(url, definition.metadata) == []
