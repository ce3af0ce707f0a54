"""What each pod's init containers rely on (deploy/k8s/<service>.yaml): replicas that start together
each run `kakawari migrate <service>` against the same PostgreSQL database, as separate processes; they
take turns (an advisory lock, `kakawari.platform.migration_lock`), so all succeed and the schema ends
at head, and a migrator that finds the lock held waits rather than racing on the same DDL."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from alembic.script import ScriptDirectory

from kakawari import catalog
from kakawari.platform import MIGRATION_LOCK_KEY
from kit.db.migrate import alembic_config
from kit.dev.postgres import throwaway_database

KAKAWARI = str(Path(sys.executable).parent / "kakawari")
REPLICAS = 3
SERVICE = "registry"

pytestmark = pytest.mark.postgres


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "KAKAWARI_", "NATS_"))}
    return env | {"DATABASE_URL": url, "KAKAWARI_ENV": "production", "KAKAWARI_DATA_DIR": str(tmp_path),
                  "LOG_LEVEL": "WARNING"}


async def _migrate(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(KAKAWARI, "migrate", SERVICE, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def _at_head(url: str) -> bool:
    definition = catalog.load(SERVICE)
    assert definition.migrations is not None
    head = ScriptDirectory.from_config(alembic_config(definition.migrations, url)).get_current_head()
    conn = await asyncpg.connect(_dsn(url))
    try:
        return bool(await conn.fetchval("SELECT version_num FROM alembic_version") == head)
    finally:
        await conn.close()


async def test_replicas_starting_together_all_migrate(pg_admin_url: str, tmp_path: Path) -> None:
    async with throwaway_database(pg_admin_url, "initc") as url:
        processes = [await _migrate(_env(url, tmp_path)) for _ in range(REPLICAS)]
        outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in processes)), timeout=120)
        for process, (_, stderr) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
        assert await _at_head(url)


async def test_a_migrator_waits_while_another_holds_the_lock(pg_admin_url: str, tmp_path: Path) -> None:
    async with throwaway_database(pg_admin_url, "initw") as url:
        holder = await asyncpg.connect(_dsn(url))
        try:
            await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            waiting = await _migrate(_env(url, tmp_path))
            deadline = time.monotonic() + 60
            while not await holder.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"):
                assert waiting.returncode is None and time.monotonic() < deadline, "the migrator never queued"
                await asyncio.sleep(0.1)
            assert await holder.fetchval("SELECT to_regclass('alembic_version')") is None  # nothing done meanwhile
        finally:
            await holder.close()  # ends the session: the lock is released
        _, stderr = await asyncio.wait_for(waiting.communicate(), timeout=120)
        assert waiting.returncode == 0, stderr.decode(errors="replace")[-2000:]
        assert await _at_head(url)
