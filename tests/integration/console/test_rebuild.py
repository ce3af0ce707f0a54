"""`kakawari console rebuild`: the read models, emptied and replayed from the streams, come out the
same, on SQLite and PostgreSQL, also while events keep arriving; and a restart re-applies nothing,
even when NATS lost the console's durable consumers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import nats
from sqlalchemy import select
from typer.testing import CliRunner, Result

from kakawari import catalog
from kakawari.cli import app as cli
from kit.contracts import forum, matching, notify, registry
from kit.contracts.base import EventContract
from kit.messaging.replay import Replay
from kit.runtime import ServiceRuntime
from services.console.models import MESSAGING, PROJECTIONS, Base, Checkpoint
from services.console.projections import service
from tests.support.console import applied, settled
from tests.support.events import publish
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for
from tests.support.sessions import bearer

Platform = Callable[..., AbstractAsyncContextManager[RunningPlatform]]
AT = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
Published = list[tuple[EventContract, str]]  # (event, producer)


def _member(cls: type[registry.MemberApplied], member_id: Any, status: str) -> registry.MemberApplied:
    return cls(member_id=member_id, name="飛騨市", kind="municipality", status=status, prefecture_code="21",
               municipality_code="212172", at=AT)


def _program(cls: type[matching.ProgramPublished], program_id: Any, member_id: Any) -> matching.ProgramPublished:
    return cls(program_id=program_id, member_id=member_id, title="森の手入れ", municipality_code="212172",
               municipality="岐阜県飛騨市", prefecture_code="21", schedule="dates", starts_on=date(2026, 11, 1),
               ends_on=date(2026, 11, 3), capacity=8, online=False, url="http://testserver/p", at=AT)


def _participation(cls: type[matching.ParticipationRecorded], participation_id: Any, helper_id: Any,
                   program_id: Any) -> matching.ParticipationRecorded:
    return cls(participation_id=participation_id, helper_id=helper_id, municipality_code="212172",
               municipality="岐阜県飛騨市", prefecture_code="21", on=date(2026, 11, 2), source="host",
               program_id=program_id, at=AT)


def network() -> tuple[Published, Published]:
    """Events of every producer, in two phases: a thing's first event, then what follows it. (A thing's
    first event fixes some of its columns, and the live consumers, one per type, may take one thing's
    events in any order; a phase at a time they take them in the order the rebuild will.)"""
    member, imported, program, helper, gathering, signup = (uuid4() for _ in range(6))
    participation, delivery = uuid4(), uuid4()
    starts = AT + timedelta(days=30)
    first: Published = [
        (_member(registry.MemberApplied, member, "submitted"), "registry"),
        (registry.MemberImported(member_id=imported, name="雲南市", kind="municipality", status="active",
                                 prefecture_code="32", history=(registry.StatusChange(status="submitted", at=AT),
                                                                registry.StatusChange(status="active", at=AT)),
                                 at=AT), "registry"),
        (registry.SmallBaseRegistered(small_base_id=uuid4(), member_id=member, name="拠点", municipality_code="212172",
                                      prefecture_code="21", at=AT), "registry"),
        (registry.LoginLinkRequested(email="a@example.jp", login_url="http://testserver/l", expires_at=AT),
         "registry"),  # not for the console: skipped
        (forum.EventPublished(event_id=gathering, kind="cafe", title="かかわりカフェ", starts_at=starts,
                              ends_at=starts + timedelta(hours=2), capacity=20, online=False), "forum"),
        (forum.SignupConfirmed(signup_id=signup, event_id=gathering, event_title="かかわりカフェ", starts_at=starts,
                               ends_at=starts + timedelta(hours=2), email="b@example.jp", name="B",
                               manage_url="http://testserver/m", checkin_code="X1"), "forum"),
        (forum.SignupImported(signup_id=uuid4(), event_id=gathering, status="cancelled", signed_up_at=AT,
                              cancelled_at=AT + timedelta(days=1), at=AT), "forum"),
        (_program(matching.ProgramPublished, program, member), "matching"),
        (_participation(matching.ParticipationRecorded, participation, helper, program), "matching"),
        (matching.RelationStageChanged(helper_id=helper, municipality_code="212172", municipality="岐阜県飛騨市",
                                       prefecture_code="21", previous=None, stage="deepen", as_of=date(2026, 11, 2),
                                       reason="took part", at=AT), "matching"),
        (notify.DeliveryDeferred(delivery_id=delivery, channel="email", template="member_approved",
                                 reason="quiet_hours", at=AT), "notify"),
        (notify.DeliveryFailed(delivery_id=uuid4(), channel="email", template="member_approved",
                               recipient_hash="a" * 64, state="bounced", reason="550", attempts=1, at=AT), "notify"),
    ]
    then: Published = [
        (_member(registry.MemberApproved, member, "approved"), "registry"),
        (forum.SignupCheckedIn(signup_id=signup, event_id=gathering, at=starts), "forum"),
        (_program(matching.ProgramClosed, program, member), "matching"),
        (_participation(matching.ParticipationImported, participation, helper, program), "matching"),  # counted once
        (notify.DeliverySent(delivery_id=delivery, channel="email", template="member_approved", attempts=1, at=AT),
         "notify"),
        (notify.AddressSuppressed(address_hash="a" * 64, reason="550", at=AT), "notify"),
    ]
    return first, then


def more() -> Published:
    """New things only, for while a rebuild runs."""
    return [event for _ in range(3) for event in (
        (_member(registry.MemberApplied, uuid4(), "submitted"), "registry"),
        (notify.DeliverySent(delivery_id=uuid4(), channel="webhook", template="x", attempts=1, at=AT), "notify"),
        (_participation(matching.ParticipationRecorded, uuid4(), uuid4(), None), "matching"),
    )]


def consumed(events: Published) -> int:
    return sum(1 for event, _ in events if not isinstance(event, registry.LoginLinkRequested))


async def publish_all(platform: RunningPlatform, events: Published) -> None:
    for event, producer in events:
        await publish(platform, event, producer=producer)


async def feed(platform: RunningPlatform, *phases: Published) -> int:
    """Publish each phase and wait until the console applied it; how many events it applied."""
    total = await applied(platform["console"])
    for phase in phases:
        await publish_all(platform, phase)
        total += consumed(phase)
        await settled(platform["console"], total)
    return total


async def snapshot(runtime: ServiceRuntime[Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection's rows and the inbox, less autoincrement ids and the times rows were written."""
    tables = [Base.metadata.tables[model.__tablename__] for model in PROJECTIONS] + [MESSAGING.inbox]
    found = {}
    async with runtime.uow.read() as session:
        for table in tables:
            columns = [c for c in table.c if c.name not in ("updated_at", "processed_at")
                       and not (c.primary_key and c.autoincrement is True)]
            found[table.name] = sorted((tuple(row) for row in await session.execute(select(*columns))), key=repr)
    return found


async def checkpoints(runtime: ServiceRuntime[Any]) -> dict[str, tuple[int, int, datetime]]:
    async with runtime.uow.read() as session:
        return {c.event_type: (c.sequence, c.applied, c.updated_at) for c in await session.scalars(select(Checkpoint))}


def replay_of(runtime: ServiceRuntime[Any], **options: Any) -> Replay[Any]:
    return Replay(runtime.js, naming=runtime.naming, subscriptions=runtime.definition.handlers.subscriptions,
                  applier=runtime.applier, **options)


def rebuild_with_the_cli(platform: RunningPlatform, *options: str) -> Result:
    settings = platform.settings
    env = {"NATS_URL": platform.nats_url, "KAKAWARI_NAMESPACE": settings.namespace,
           "CONSOLE_DATABASE_URL": settings.database_for("console"), "KAKAWARI_DATA_DIR": str(settings.data_dir)}
    return CliRunner().invoke(cli, ["console", "rebuild", *options], env=env)


async def test_the_cli_rebuilds_the_same_figures(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        console = platform["console"]
        total = await feed(platform, *network())
        before, marks = await snapshot(console), await checkpoints(console)
        assert len(before["member_states"]) == 4 and len(before["participations"]) == 1  # the import counted once

        # Its own process would do the same: its own event loop, database connections and NATS connection.
        result = await asyncio.to_thread(rebuild_with_the_cli, platform)

        assert result.exit_code == 0, result.output
        assert f"rebuilt: {total} events applied from 4 streams" in result.output
        assert f"{platform.settings.namespace.upper()}_REGISTRY" in result.output
        assert await snapshot(console) == before
        rebuilt = await checkpoints(console)
        assert {t: (s, n) for t, (s, n, _) in rebuilt.items()} == {t: (s, n) for t, (s, n, _) in marks.items()}

        path = "/console/api/v1/projections"
        answer = await platform.client.get(path, headers=bearer("op@example.jp", "operator"))
        assert answer.status_code == 200, answer.text
        rows = {row["event_type"]: row for row in answer.json()}
        assert rows.keys() == rebuilt.keys()
        approved = rows["registry.member.approved.v1"]
        assert approved["stream"] == f"{platform.settings.namespace.upper()}_REGISTRY" and approved["applied"] == 1
        assert approved["sequence"] == rebuilt["registry.member.approved.v1"][0]
        assert (await platform.client.get(path, headers=bearer("s@example.jp"))).status_code == 403
        assert (await platform.client.get(path)).status_code == 401

        # The registry stream lost its first message (past its max_age): the rebuild would lose a fact.
        await console.js.delete_msg(f"{platform.settings.namespace.upper()}_REGISTRY", 1)
        refused = await asyncio.to_thread(rebuild_with_the_cli, platform)
        assert refused.exit_code == 1 and "nothing was changed" in refused.output and "--partial" in refused.output
        assert await snapshot(console) == before
        partial = await asyncio.to_thread(rebuild_with_the_cli, platform, "--partial")
        assert partial.exit_code == 0, partial.output
        assert f"rebuilt: {total - 1} events applied" in partial.output
        assert len((await snapshot(console))["member_states"]) == len(before["member_states"]) - 1


async def test_events_arriving_during_a_rebuild_are_applied_once(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        console = platform["console"]
        first, then = network()
        total = await feed(platform, first, then)

        arriving = more()
        # One event a batch, so the replay is still going while the new events come in.
        rebuilding = asyncio.create_task(service.rebuild(uow=console.uow, replay=replay_of(console, batch=1)))
        await publish_all(platform, arriving)
        results = {r.stream.rsplit("_", 1)[1]: r for r in await rebuilding}
        await settled(console, total + consumed(arriving))
        during = await snapshot(console)

        registry_stream = results["REGISTRY"]
        assert registry_stream.skipped >= 1 and not any(r.failed for r in results.values())  # the login link
        assert sum(r.applied + r.duplicates for r in results.values()) == sum(
            r.read - r.skipped for r in results.values())
        # Each of the new things once: in the replay or from its durable, never both.
        assert len(during["members"]) == 2 + 3 and len(during["delivery_states"]) == 3 + 3
        assert len(during["participations"]) == 1 + 3

        results = {r.stream.rsplit("_", 1)[1]: r for r in
                   await service.rebuild(uow=console.uow, replay=replay_of(console))}
        assert sum(r.applied for r in results.values()) == total + consumed(arriving)
        assert await snapshot(console) == during


async def test_a_restart_applies_nothing_again(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as platform:
        console = platform["console"]
        total = await feed(platform, *network())
        before, marks = await snapshot(console), await checkpoints(console)
        subscriptions = console.definition.handlers.subscriptions
        naming = console.naming

        async def restart(runtime: ServiceRuntime[Any], *, lose_durables: bool) -> ServiceRuntime[Any]:
            await runtime.stop()
            if lose_durables:  # NATS lost the consumers' state: they are made again, from the stream's start
                nc = await nats.connect(platform.nats_url)
                try:
                    for sub in subscriptions:
                        await nc.jetstream().delete_consumer(naming.stream(sub.contract.producer()),
                                                             naming.durable(sub.name))
                finally:
                    await nc.close()
            restarted: ServiceRuntime[Any] = ServiceRuntime(console.definition, platform.settings, platform.nats_url)
            await restarted.start(apply_topology=True, producers=catalog.producers())
            return restarted

        async def caught_up(runtime: ServiceRuntime[Any]) -> bool:
            for sub in subscriptions:
                info = await runtime.js.consumer_info(naming.stream(sub.contract.producer()), naming.durable(sub.name))
                if info.num_pending or info.num_ack_pending:
                    return False
            return True

        runtime = await restart(console, lose_durables=False)
        try:
            await wait_for(lambda: caught_up(runtime), timeout_s=30)
            runtime = await restart(runtime, lose_durables=True)
            await wait_for(lambda: caught_up(runtime), timeout_s=30)
            await asyncio.sleep(0.3)  # time for a wrong re-application to show

            assert await checkpoints(runtime) == marks  # not one handler ran: every count and time as it was
            assert await snapshot(runtime) == before
            # ...and the consumers made again do deliver what is new.
            await publish(platform, _member(registry.MemberApproved, uuid4(), "approved"), producer="registry")
            await settled(runtime, total + 1)
            assert (await checkpoints(runtime))["registry.member.approved.v1"][1] == 2
        finally:
            await runtime.stop()
