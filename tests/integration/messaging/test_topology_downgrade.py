"""Applying the topology never weakens an existing stream by accident: fewer replicas or a shorter
retention is refused, before anything changes, unless asked for (`allow_downgrade`, `kakawari streams
apply --allow-downgrade`). Production's streams have three replicas; a stream already as wanted is
only read. Real NATS (one node: retention), a three-node cluster of the wheel's server on the
generated configuration (replicas), and a stand-in for JetStream (what is called, and what is not)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import nats
import pytest
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError
from typer.testing import CliRunner

from kakawari import catalog
from kakawari.cli import app as cli
from kakawari.nats_cli import ADMIN, platform_users
from kit.config import Settings
from kit.messaging.subjects import Naming
from kit.messaging.topology import DAY_S, DowngradeRefused, Topology, downgrades
from kit.runtime import ServiceRuntime
from tests.integration.messaging.qa_services import PRODUCER
from tests.support.servers import secured_nats

PRODUCERS = ["registry"]


@pytest.fixture
def naming() -> Naming:
    return Naming(f"t{uuid.uuid4().hex[:8]}")


@asynccontextmanager
async def jetstream(url: str) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(url.split(","))
    try:
        yield nc.jetstream()
    finally:
        await nc.close()


@pytest.fixture
async def js(nats_url: str, naming: Naming) -> AsyncIterator[JetStreamContext]:
    async with jetstream(nats_url) as connected:
        try:
            yield connected
        finally:
            await Topology(naming).delete(connected, PRODUCERS)


async def test_a_shorter_retention_is_refused_unless_allowed(js: JetStreamContext, naming: Naming) -> None:
    year, month = Topology(naming, max_age_days=365), Topology(naming, max_age_days=30)
    registry, dlq = naming.stream("registry"), naming.dlq_stream()
    assert await year.apply(js, PRODUCERS, []) == [f"stream {registry} created", f"stream {dlq} created"]
    assert await year.apply(js, PRODUCERS, []) == [f"stream {registry} unchanged", f"stream {dlq} unchanged"]

    with pytest.raises(DowngradeRefused, match="allow-downgrade") as refused:
        await month.apply(js, PRODUCERS, [])
    assert refused.value.downgrades == [f"{registry}: max_age 365d → 30d"]
    assert (await js.stream_info(registry)).config.max_age == 365 * DAY_S  # untouched

    assert await month.apply(js, PRODUCERS, [], allow_downgrade=True) == [
        f"stream {registry} updated", f"stream {dlq} unchanged"]
    assert (await js.stream_info(registry)).config.max_age == 30 * DAY_S
    assert (await year.apply(js, PRODUCERS, []))[0] == f"stream {registry} updated"  # longer is no downgrade


async def test_retention_an_operator_set_is_kept_or_refused(js: JetStreamContext, naming: Naming) -> None:
    topology = Topology(naming)
    await topology.apply(js, PRODUCERS, [])
    registry = naming.stream("registry")
    # A byte limit the topology does not set is the operator's: applying leaves it.
    await js.update_stream(replace(topology.stream("registry"), max_bytes=1 << 30))
    assert (await topology.apply(js, PRODUCERS, []))[0] == f"stream {registry} unchanged"
    assert (await js.stream_info(registry)).config.max_bytes == 1 << 30
    # Kept for ever (max_age 0): a year would drop what is older, so it is refused.
    await js.update_stream(replace(topology.stream("registry"), max_age=0))
    with pytest.raises(DowngradeRefused) as refused:
        await topology.apply(js, PRODUCERS, [])
    assert refused.value.downgrades == [f"{registry}: max_age unlimited → 365d"]


class _StandIn:
    """JetStream as far as `Topology.apply` uses it: streams as configured, every change recorded."""

    def __init__(self, streams: list[StreamConfig]) -> None:
        self.streams = {str(config.name): config for config in streams}
        self.changes: list[tuple[str, str]] = []

    async def stream_info(self, name: str) -> Any:
        if name not in self.streams:
            raise NotFoundError
        return SimpleNamespace(config=self.streams[name])

    async def add_stream(self, config: StreamConfig) -> None:
        self.changes.append(("add_stream", str(config.name)))

    async def update_stream(self, config: StreamConfig) -> None:
        self.changes.append(("update_stream", str(config.name)))

    async def add_consumer(self, stream: str, config: Any) -> None:
        self.changes.append(("add_consumer", str(config.durable_name)))


async def test_a_development_process_leaves_production_replicas_alone(naming: Naming) -> None:
    production, development = Topology(naming, replicas=3), Topology(naming, replicas=1)
    producers = catalog.producers()
    subscriptions = catalog.load("notify").handlers.subscriptions
    js = _StandIn([*(production.stream(p) for p in producers), production.dlq()])

    with pytest.raises(DowngradeRefused) as refused:
        await development.apply(js, producers, subscriptions)  # type: ignore[arg-type]
    assert refused.value.downgrades == [f"{name}: num_replicas 3 → 1" for name in js.streams]
    assert js.changes == []  # refused before anything changed, consumers included

    assert await production.apply(js, producers, subscriptions) == [  # type: ignore[arg-type]
        *(f"stream {name} unchanged" for name in js.streams),
        *(f"consumer {naming.durable(s.name)} applied" for s in subscriptions)]
    assert {change for change, _ in js.changes} == {"add_consumer"}  # the streams were only read

    js.changes.clear()
    await development.apply(js, producers, [], allow_downgrade=True)  # type: ignore[arg-type]
    assert js.changes == [("update_stream", name) for name in js.streams]


def test_what_counts_as_a_downgrade() -> None:
    wanted = Topology(Naming(""), replicas=3).stream("registry")
    assert downgrades(wanted, wanted) == []
    assert downgrades(replace(wanted, num_replicas=1), wanted) == []  # more replicas: an upgrade
    assert downgrades(replace(wanted, max_msgs=1000), wanted) == []  # unset (unlimited) is more
    assert downgrades(replace(wanted, max_msgs=-1), replace(wanted, max_msgs=1000)) == [
        "REGISTRY: max_msgs unlimited → 1000"]
    assert downgrades(replace(wanted, max_bytes=2000), replace(wanted, max_bytes=1000, num_replicas=1)) == [
        "REGISTRY: num_replicas 3 → 1", "REGISTRY: max_bytes 2000 → 1000"]


def test_production_streams_have_three_replicas(tmp_path: Path) -> None:
    settings = Settings(env="production", data_dir=tmp_path, secret_key="x" * 64,
                        database_urls={"qaprod": f"sqlite+aiosqlite:///{tmp_path / 'qaprod.db'}"})
    runtime = ServiceRuntime(PRODUCER, settings, "nats://127.0.0.1:1")  # not started: nothing connects
    try:
        assert runtime.topology.replicas == 3
        assert runtime.topology.stream("qaprod").num_replicas == runtime.topology.dlq().num_replicas == 3
        assert Topology(Naming("")).replicas == 1  # development's default
    finally:
        asyncio.run(runtime.db.dispose())


async def test_three_replicas_on_a_cluster_are_not_lowered(tmp_path: Path, naming: Naming) -> None:
    """The wheel's server, three nodes on the generated configuration (routes given on the command
    line, as docker compose does), `sync_interval: always` in force on each."""
    with secured_nats(platform_users(naming), tmp_path, nodes=3) as cluster:
        async with jetstream(cluster.url(ADMIN)) as js:
            production = Topology(naming, replicas=3)
            await production.apply(js, PRODUCERS, [])
            registry = naming.stream("registry")
            assert (await js.stream_info(registry)).config.num_replicas == 3
            with pytest.raises(DowngradeRefused, match="num_replicas 3 → 1"):
                await Topology(naming).apply(js, PRODUCERS, [])
            assert (await js.stream_info(registry)).config.num_replicas == 3
        for monitor in cluster.monitors:
            varz = httpx.get(f"{monitor}/varz").json()
            assert varz["jetstream"]["config"]["sync_always"] is True, varz["jetstream"]["config"]


def test_cli_refuses_a_downgrade_unless_told(nats_url: str, tmp_path: Path) -> None:
    namespace = f"t{uuid.uuid4().hex[:8]}"
    naming = Naming(namespace)
    env = {"NATS_URL": nats_url, "KAKAWARI_NAMESPACE": namespace, "KAKAWARI_DATA_DIR": str(tmp_path),
           "KAKAWARI_ENV": "development"}

    async def with_js(action: Any) -> Any:
        async with jetstream(nats_url) as js:
            return await action(js)

    registry = naming.stream("registry")
    asyncio.run(with_js(lambda js: Topology(naming, max_age_days=400).apply(js, PRODUCERS, [])))
    runner = CliRunner()
    try:
        refused = runner.invoke(cli, ["streams", "apply"], env=env)
        assert refused.exit_code == 1, refused.output
        assert f"{registry}: max_age 400d → 365d" in refused.output and "--allow-downgrade" in refused.output
        assert "created" not in refused.output  # nothing was changed
        applied = runner.invoke(cli, ["streams", "apply", "--allow-downgrade"], env=env)
        assert applied.exit_code == 0, applied.output
        assert f"stream {registry} updated" in applied.output
        info = asyncio.run(with_js(lambda js: js.stream_info(registry)))
        assert info.config.max_age == 365 * DAY_S
    finally:
        asyncio.run(with_js(lambda js: Topology(naming).delete(js, catalog.producers())))
