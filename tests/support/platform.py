"""The platform run in-process against real NATS and a real database, one isolated copy a test.

Each copy gets its own NATS namespace (streams, subjects and durables prefixed)
and its own databases, and removes its streams when done, so no test sees
another's state or anything an earlier run left behind.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
from fastapi import FastAPI

from kakawari import catalog
from kit.config import Settings
from kit.db.engine import open_database
from kit.db.migrate import upgrade
from kit.dev.postgres import throwaway_database
from kit.host import build_host
from kit.runtime import ServiceRuntime
from kit.service import ServiceDefinition

TEST_SECRET = "test-secret-key-for-kakawari-suite-0123456789"


@dataclass
class RunningPlatform:
    app: FastAPI
    client: httpx.AsyncClient
    runtimes: dict[str, ServiceRuntime[Any]]
    settings: Settings
    nats_url: str

    def __getitem__(self, name: str) -> ServiceRuntime[Any]:
        return self.runtimes[name]


@asynccontextmanager
async def database_urls(
    backend: str, names: list[str], tmp: Path, pg_admin: str | None
) -> AsyncIterator[dict[str, str]]:
    async with AsyncExitStack() as stack:
        urls: dict[str, str] = {}
        for name in names:
            if backend == "sqlite":
                urls[name] = f"sqlite+aiosqlite:///{tmp / f'{name}.db'}"
            else:
                assert pg_admin
                urls[name] = await stack.enter_async_context(throwaway_database(pg_admin, name))
        yield urls


async def upgrade_async(migrations: Path, url: str) -> None:
    """Alembic from a test's event loop: env.py runs a loop of its own, so it goes on a thread."""
    await asyncio.to_thread(upgrade, migrations, url)


async def prepare_schema(definition: ServiceDefinition[Any], url: str) -> None:
    if definition.migrations is not None:
        await upgrade_async(definition.migrations, url)
        return
    db = open_database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(definition.metadata.create_all)
    finally:
        await db.dispose()


@asynccontextmanager
async def running_platform(
    *,
    backend: str,
    nats_url: str,
    tmp: Path,
    pg_admin: str | None = None,
    services: list[str] | None = None,
    definitions: list[ServiceDefinition[Any]] | None = None,
    seed: bool = False,
    smtp_url: str | None = None,
    tweak: Callable[[Settings], Settings] | None = None,
) -> AsyncIterator[RunningPlatform]:
    chosen = definitions or [catalog.load(n) for n in (services or list(catalog.SERVICE_NAMES))]
    names = [d.name for d in chosen]
    async with database_urls(backend, names, tmp, pg_admin) as urls:
        settings = Settings(
            data_dir=tmp, nats_url=nats_url, database_urls=urls, namespace=f"t{uuid.uuid4().hex[:8]}",
            smtp_url=smtp_url, secret_key=TEST_SECRET, retry_backoff_s=(0.05, 0.1, 0.2), max_deliver=3,
            public_base_url="http://testserver", services=tuple(names),
        )
        settings = tweak(settings) if tweak else settings
        for definition in chosen:
            await prepare_schema(definition, urls[definition.name])
        runtimes = [ServiceRuntime(d, settings, nats_url) for d in chosen]

        async def seed_all() -> None:
            for runtime in runtimes:
                if seed and runtime.definition.seed:
                    await runtime.definition.seed(runtime.deps)

        app = build_host(runtimes, apply_topology=True, producers=catalog.producers(), after_start=seed_all)
        try:
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                    yield RunningPlatform(app, client, {r.name: r for r in runtimes}, settings, nats_url)
        finally:
            nc = await nats.connect(nats_url)
            try:
                await runtimes[0].topology.delete(nc.jetstream(), catalog.producers())
            finally:
                await nc.close()


@asynccontextmanager
async def platform_per_backend(request: Any, nats_url: str, tmp_path_factory: Any,
                               **options: Any) -> AsyncIterator[RunningPlatform]:
    """For a fixture parametrised by backend ("sqlite", "postgresql"): the platform on that backend."""
    backend = str(request.param)
    pg_admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None
    async with running_platform(backend=backend, nats_url=nats_url, tmp=tmp_path_factory.mktemp(backend),
                                pg_admin=pg_admin, **options) as running:
        yield running
