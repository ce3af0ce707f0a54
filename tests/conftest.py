"""Suite-wide fixtures: real NATS and PostgreSQL (from TEST_* or started from wheels),
an in-memory span exporter, and `platform_factory` to run isolated copies of the platform."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import MetaData

from kakawari.catalog import SERVICE_NAMES
from kit.db.engine import Database, open_database
from kit.eventloop import loop_factory
from kit.telemetry.tracing import install_provider
from tests.support.platform import RunningPlatform, database_urls, running_platform
from tests.support.servers import nats_server, postgres_server

_EXPORTER = InMemorySpanExporter()
install_provider("kakawari-tests", processors=[SimpleSpanProcessor(_EXPORTER)])


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Callable[[], Any]]:
    """The suite runs on the loop the platform runs on in production (uvloop where installed)."""
    return {"loop": loop_factory()}


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    with nats_server() as url:
        yield url


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def spans() -> InMemorySpanExporter:
    _EXPORTER.clear()
    return _EXPORTER


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def platform_factory(
    backend: str, nats_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[..., AbstractAsyncContextManager[RunningPlatform]]:
    pg_admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None

    def make(**kwargs: Any) -> AbstractAsyncContextManager[RunningPlatform]:
        return running_platform(backend=backend, nats_url=nats_url, tmp=tmp_path, pg_admin=pg_admin, **kwargs)

    return make


@pytest.fixture
def fresh_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[MetaData], AbstractAsyncContextManager[Database]]:
    """`async with fresh_database(metadata) as db`: an empty database of the test's backend with
    those tables, disposed (and on PostgreSQL dropped) afterwards."""
    pg_admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None

    @asynccontextmanager
    async def make(metadata: MetaData) -> AsyncIterator[Database]:
        async with database_urls(backend, ["fresh"], tmp_path, pg_admin) as urls:
            db = open_database(urls["fresh"])
            try:
                async with db.engine.begin() as conn:
                    await conn.run_sync(metadata.create_all)
                yield db
            finally:
                await db.dispose()

    return make


@pytest.fixture
async def platform(
    platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]],
) -> AsyncIterator[RunningPlatform]:
    """The four business services, demo seed on, built-in SMTP sink. Not the console: projecting the
    demo's twelve thousand history events would compete with every test's own background work; the
    console's tests (tests/integration/console, tests/browser/test_console.py) start it themselves."""
    async with platform_factory(seed=True, services=[n for n in SERVICE_NAMES if n != "console"]) as running:
        yield running
