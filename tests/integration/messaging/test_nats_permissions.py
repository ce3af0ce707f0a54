"""Least privilege on NATS, on the wheel's nats-server running the configuration `kakawari nats config`
generates (tests/support/servers.py `secured_nats`).

Each service connects as its own user: it may publish only its own events, never another's, nor
change streams; and with those rights alone it still runs: the kit's runtimes of registry, notify
and the console, in one process but each with its own credentials and in development mode (so each
checks the topology the admin applied), carry an application from the registry to notify's email
and the console's read models; a consumer that keeps failing is retried and dead-lettered, and its
producer replays the dead letter; and the server logs no permission violation while they do.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import nats
import nats.errors
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from kakawari import catalog
from kakawari.nats_cli import users
from kit.config import Settings
from kit.contracts.registry import MemberApproved
from kit.host import build_host
from kit.messaging.subjects import Naming
from kit.messaging.topology import Topology
from kit.runtime import ServiceRuntime
from kit.service import ServiceDefinition
from kit.web.auth import OPERATOR, Principal, issue_token
from services.console.models import DeliveryState, MemberState
from services.console.system.clients import consumers
from services.registry.gazetteer import load_gazetteer
from tests.integration.messaging.qa_services import CONSUMER, PLAN, PRODUCER, PingSent, effect_count
from tests.support.platform import TEST_SECRET, database_urls, prepare_schema
from tests.support.servers import SecuredNats, secured_nats, wait_for

QA = [PRODUCER, CONSUMER]
PRODUCERS = sorted({*catalog.producers(), *(d.name for d in QA)})
VIOLATION = "Violation"  # how nats-server logs a refused publish or subscription


@pytest.fixture
def naming() -> Naming:
    return Naming(f"t{uuid.uuid4().hex[:8]}")


@pytest.fixture
def secured(tmp_path: Path, naming: Naming) -> Iterator[SecuredNats]:
    """The platform's users and the throwaway QA services' ones, on one server."""
    with secured_nats(users(naming, [*catalog.load_all(), *QA], PRODUCERS), tmp_path) as server:
        yield server


async def _apply_topology(secured: SecuredNats, naming: Naming, definitions: Sequence[ServiceDefinition[Any]]) -> None:
    """What `kakawari streams apply` does, as the admin."""
    nc = await nats.connect(secured.url("admin"))
    try:
        subs = [s for d in definitions for s in d.handlers.subscriptions]
        await Topology(naming).apply(nc.jetstream(), PRODUCERS, subs)
    finally:
        await nc.close()


class _Errors:
    """A connection's asynchronous errors: how nats-py learns of a permission violation."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_error(self, error: Exception) -> None:
        self.seen.append(str(error).lower())

    def violation(self, subject: str) -> bool:
        return any("permissions violation" in e and subject.lower() in e for e in self.seen)


async def test_a_service_publishes_only_its_own_events(secured: SecuredNats, naming: Naming) -> None:
    await _apply_topology(secured, naming, [])
    subject = naming.subject(MemberApproved.versioned_type())
    errors = _Errors()
    notify = await nats.connect(secured.url("notify"), error_cb=errors.on_error)
    registry = await nats.connect(secured.url("registry"))
    admin = await nats.connect(secured.url("admin"))
    try:
        # A forged registry.member.approved.v1 with notify's credentials: the server drops it, so no
        # PubAck ever comes, and says why.
        with pytest.raises(nats.errors.TimeoutError):
            await notify.jetstream().publish(subject, b"{}", timeout=1)
        await wait_for(lambda: errors.violation(subject))
        refused = f'"$G/user:notify" - Publish Violation - Subject "{subject}"'
        await wait_for(lambda: refused in secured.log(), timeout_s=10)  # the log line comes when the server writes it

        ack = await registry.jetstream().publish(subject, b"{}", timeout=5)
        assert ack.stream == naming.stream("registry")
        assert (await admin.jetstream().stream_info(ack.stream)).state.messages == 1  # registry's, not the forgery
    finally:
        for nc in (notify, registry, admin):
            await nc.close()


@pytest.mark.parametrize(
    "subject",
    [
        pytest.param("$JS.API.STREAM.DELETE.{registry}", id="delete-a-stream"),
        pytest.param("$JS.API.STREAM.UPDATE.{registry}", id="change-a-stream"),
        pytest.param("$JS.API.STREAM.PURGE.{registry}", id="purge-a-stream"),
        pytest.param("$JS.API.STREAM.MSG.GET.{registry}", id="read-a-stream"),
        pytest.param("$JS.API.CONSUMER.CREATE.{registry}", id="make-a-consumer-of-its-own"),
        pytest.param("$JS.API.CONSUMER.DELETE.{registry}.{forum_durable}", id="delete-another-durable"),
        pytest.param("$JS.ACK.{registry}.{forum_durable}.1.1.1.1.0", id="ack-another-delivery"),
        pytest.param("{forum_dlq}", id="dead-letter-as-another"),
    ],
)
async def test_a_service_may_not(secured: SecuredNats, naming: Naming, subject: str) -> None:
    forum_sub = catalog.load("forum").handlers.subscriptions[0]
    subject = subject.format(registry=naming.stream("registry"), forum_durable=naming.durable(forum_sub.name),
                             forum_dlq=naming.dlq_subject(forum_sub.name))
    errors = _Errors()
    notify = await nats.connect(secured.url("notify"), error_cb=errors.on_error)
    try:
        await notify.publish(subject, b"{}")
        await notify.flush()
        await wait_for(lambda: errors.violation(subject))
    finally:
        await notify.close()


@pytest.mark.parametrize("subject", ["{ns}.registry.>", ">", "_kk.deliver.{forum_durable}"],
                         ids=["events-directly", "everything", "another-service-deliveries"])
async def test_a_service_may_not_listen_in(secured: SecuredNats, naming: Naming, subject: str) -> None:
    forum_durable = naming.durable(catalog.load("forum").handlers.subscriptions[0].name)
    subject = subject.format(ns=naming.namespace, forum_durable=forum_durable)
    errors = _Errors()
    notify = await nats.connect(secured.url("notify"), error_cb=errors.on_error)
    try:
        await notify.subscribe(subject)
        await notify.flush()
        await wait_for(lambda: errors.violation(subject))
        # The server writes its log line on its own schedule: wait for it rather than race it.
        refused = f'"$G/user:notify" - Subscription Violation - Subject "{subject}"'
        await wait_for(lambda: refused in secured.log(), timeout_s=10)
    finally:
        await notify.close()


@asynccontextmanager
async def per_service_users(
    secured: SecuredNats, naming: Naming, definitions: Sequence[ServiceDefinition[Any]], tmp: Path,
    tweak: Callable[[Settings], Settings] = lambda settings: settings,
) -> AsyncIterator[tuple[FastAPI, dict[str, ServiceRuntime[Any]]]]:
    """The kit's runtimes of `definitions` in development mode (each applies the topology at start),
    each connected as its own NATS user, after the admin applied the topology."""
    await _apply_topology(secured, naming, definitions)
    names = [d.name for d in definitions]
    async with database_urls("sqlite", names, tmp, None) as urls:
        settings = tweak(Settings(data_dir=tmp, database_urls=urls, namespace=naming.namespace,
                                  secret_key=TEST_SECRET, retry_backoff_s=(0.05, 0.1, 0.2), max_deliver=3,
                                  public_base_url="http://testserver", services=tuple(names)))
        for definition in definitions:
            await prepare_schema(definition, urls[definition.name])
        runtimes = {d.name: ServiceRuntime(d, settings, secured.url(d.name)) for d in definitions}
        app = build_host(list(runtimes.values()), apply_topology=True, producers=PRODUCERS)
        async with app.router.lifespan_context(app):
            yield app, runtimes


async def _count(runtime: ServiceRuntime[Any], model: type) -> int:
    async with runtime.uow.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_events_flow_registry_notify_console_with_their_own_users(
    secured: SecuredNats, naming: Naming, tmp_path: Path
) -> None:
    definitions = [catalog.load(name) for name in ("registry", "notify", "console")]
    async with per_service_users(secured, naming, definitions, tmp_path) as (app, runtimes):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            municipality = next(lg for lg in load_gazetteer() if lg.kind == "municipality")
            applied = await client.post("/registry/api/v1/applications", json={
                "kind": "municipality", "local_government_code": municipality.code,
                "contact_name": "関係 太郎", "contact_email": "taro@city.example.jp",
            })
            assert applied.status_code == 201, applied.text
        console, notify = runtimes["console"], runtimes["notify"]
        await wait_for(lambda: _count(console, MemberState), timeout_s=20)  # registry → console
        sink = notify.deps.smtp_sink
        assert sink is not None
        await wait_for(lambda: [m for m in sink.messages if "taro@city.example.jp" in m.to], timeout_s=20)
        await wait_for(lambda: _count(console, DeliveryState), timeout_s=20)  # registry → notify → console
        # The console's system page lists every service's consumers with the console's own rights.
        listed = {c.service for c in await consumers(console.js, naming)}
        assert {"notify", "console"} <= listed, listed
    assert VIOLATION not in secured.log(), secured.log()


async def test_consumers_retry_and_dead_letter_with_their_own_users(
    secured: SecuredNats, naming: Naming, tmp_path: Path
) -> None:
    PLAN.reset()
    PLAN.fail_first["poison"] = -1
    async with per_service_users(secured, naming, QA, tmp_path) as (app, runtimes):
        producer, consumer = runtimes["qaprod"], runtimes["qacons"]
        for n, label in enumerate(("fine", "poison")):
            async with producer.uow() as tx:
                tx.emit(PingSent(n=n, label=label))
                await tx.commit()
        await wait_for(lambda: effect_count(consumer, "fine"))
        entries = await wait_for(consumer.dlq.list)  # type: ignore[union-attr]
        assert [(e.consumer, e.deliveries) for e in entries] == [("qacons-ping", 3)]  # nacked twice, then dead
        assert PLAN.deliveries("poison") == 3

        # Replayed by its producer, with the producer's own rights (republish its event, delete the letter);
        # the consumer's service, whose user may not publish the producer's events, refuses and names it.
        PLAN.fail_first["poison"] = 0
        operator = {"authorization": "Bearer " + issue_token(Principal(uuid.uuid4(), "op@example.jp", OPERATOR),
                                                             TEST_SECRET)}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            refused = await client.post(f"/qacons/ops/dlq/{entries[0].seq}/replay", headers=operator)
            assert refused.status_code == 409 and refused.json()["owner"] == "qaprod", refused.text
            replayed = await client.post(f"/qaprod/ops/dlq/{entries[0].seq}/replay", headers=operator)
            assert replayed.status_code == 200, replayed.text
        await wait_for(lambda: effect_count(consumer, "poison"))
        assert await consumer.dlq.list() == []  # type: ignore[union-attr]
    PLAN.reset()
    assert VIOLATION not in secured.log(), secured.log()


def _streams_wait(secured: SecuredNats, naming: Naming, tmp: Path, service: str, timeout_s: float
                  ) -> subprocess.CompletedProcess[str]:
    """`kakawari streams wait`, as a Kubernetes init container runs it: the service's own credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NATS_", "KAKAWARI_"))}
    env |= {"NATS_URL": secured.url(service), "KAKAWARI_NAMESPACE": naming.namespace, "KAKAWARI_DATA_DIR": str(tmp),
            "KAKAWARI_SECRET_KEY": TEST_SECRET}
    return subprocess.run([str(Path(sys.executable).parent / "kakawari"), "streams", "wait", service,
                           "--timeout", str(timeout_s)], env=env, capture_output=True, text=True, timeout=120)


async def test_a_service_waits_for_the_streams_with_its_own_user(
    secured: SecuredNats, naming: Naming, tmp_path: Path
) -> None:
    """Before the admin applied the topology, `streams wait` gives up naming what is missing; after, it
    returns at once. It needs nothing but the service's own rights."""
    early = await asyncio.to_thread(_streams_wait, secured, naming, tmp_path, "forum", 2)
    assert early.returncode == 1, early.stdout + early.stderr
    out = " ".join(early.stdout.split())
    assert f"stream {naming.stream('forum')}" in out and f"stream {naming.dlq_stream()}" in out, out
    assert f"consumer {naming.durable(catalog.load('forum').handlers.subscriptions[0].name)}" in out, out

    await _apply_topology(secured, naming, catalog.load_all())
    for service in catalog.SERVICE_NAMES:
        done = await asyncio.to_thread(_streams_wait, secured, naming, tmp_path, service, 30)
        assert done.returncode == 0 and "in place" in done.stdout, done.stdout + done.stderr
    assert VIOLATION not in secured.log(), secured.log()
