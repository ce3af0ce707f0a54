"""No event lost, none applied twice: the kit's promises, each played out on real NATS
and on both SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from uuid import uuid4

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from sqlalchemy import func, select

from kit.messaging.envelope import Envelope
from kit.messaging.tables import PENDING
from kit.runtime import ServiceRuntime
from tests.integration.messaging.qa_services import CONSUMER, PLAN, PRODUCER, PingSent, effect_count
from tests.support.servers import wait_for

QA = [PRODUCER, CONSUMER]


@pytest.fixture(autouse=True)
def fresh_plan() -> None:
    PLAN.reset()


async def emit(runtime: ServiceRuntime, n: int, label: str) -> Envelope:
    async with runtime.uow() as tx:
        envelope = tx.emit(PingSent(n=n, label=label))
        await tx.commit()
    return envelope


async def settle(runtime: ServiceRuntime, seconds: float = 0.4) -> None:
    """Give a duplicate the chance to show up before asserting it did not."""
    await asyncio.sleep(seconds)


async def pending(runtime: ServiceRuntime) -> int:
    outbox = runtime.definition.tables.outbox
    async with runtime.uow.read() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox).where(outbox.c.state == PENDING)) or 0)


async def test_a_crash_between_commit_and_publish_still_delivers_once(platform_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with platform_factory(definitions=QA) as first:
        prod = first["qaprod"]
        await prod.relay.stop()  # the process "dies" right after the commit: nothing relays
        await emit(prod, 1, "crash-before-publish")
        # ...and another one that was published, but the crash came before it was marked.
        published_unmarked = await emit(prod, 2, "crash-after-publish")
        row = await _outbox_row(prod, published_unmarked)
        await prod.js.publish(row.subject, row.envelope.encode(), headers={"Nats-Msg-Id": str(row.id)})
        assert await pending(prod) == 2
        cons = first["qacons"]
        await wait_for(lambda: effect_count(cons, "crash-after-publish"))

        # Restart the producer: a fresh runtime on the same database sweeps the outbox at start.
        await prod.stop()
        restarted = ServiceRuntime(PRODUCER, prod.settings, prod.nats_url)
        await restarted.start(apply_topology=False, producers=[])
        try:
            await wait_for(lambda: effect_count(cons, "crash-before-publish"))
            await wait_for(lambda: _is_zero(pending(restarted)))
            await settle(cons)
            assert await effect_count(cons, "crash-before-publish") == 1
            assert await effect_count(cons, "crash-after-publish") == 1  # JetStream dropped the re-publish
        finally:
            await restarted.stop()


async def test_b_handler_failing_twice_then_succeeding_applies_once(  # type: ignore[no-untyped-def]
    platform_factory, spans: InMemorySpanExporter
) -> None:
    async with platform_factory(definitions=QA, tweak=lambda s: replace(s, max_deliver=5)) as p:
        PLAN.fail_first["flaky"] = 2
        await emit(p["qaprod"], 1, "flaky")
        await wait_for(lambda: effect_count(p["qacons"], "flaky"))
        await settle(p["qacons"])
        assert PLAN.deliveries("flaky") == 3
        assert await effect_count(p["qacons"], "flaky") == 1
        assert await p["qacons"].dlq.count() == 0  # type: ignore[union-attr]
    # Each run of the handler is a CONSUMER span in the event's trace, and a failed one says why.
    # A failing delivery runs twice (in its group's transaction, then alone in a savepoint), so
    # two failed deliveries and one good one make five spans.
    runs = sorted((s for s in spans.get_finished_spans() if s.name == "qacons-ping apply"),
                  key=lambda s: s.start_time or 0)
    assert len({s.context.trace_id for s in runs}) == 1
    assert [s.status.status_code for s in runs] == [StatusCode.ERROR] * 4 + [StatusCode.UNSET]
    assert all("planned failure" in (s.status.description or "") for s in runs[:4])
    assert all([e.name for e in s.events] == ["exception"] for s in runs[:4]) and not runs[4].events


async def test_c_the_same_event_delivered_twice_is_applied_once(platform_factory) -> None:  # type: ignore[no-untyped-def]
    async with platform_factory(definitions=QA) as p:
        envelope = await emit(p["qaprod"], 7, "twice")
        await wait_for(lambda: effect_count(p["qacons"], "twice"))
        # Redeliver it with a fresh Nats-Msg-Id, so JetStream's dedupe cannot help: only the inbox can.
        row = await _outbox_row(p["qaprod"], envelope)
        await p["qaprod"].js.publish(row.subject, row.envelope.encode(), headers={"Nats-Msg-Id": f"{row.id}-again"})
        await settle(p["qacons"], 0.6)
        assert await effect_count(p["qacons"], "twice") == 1
        assert PLAN.deliveries("twice") == 1


async def test_d_poison_goes_to_dlq_after_max_deliver_and_replay_applies_it(platform_factory) -> None:  # type: ignore[no-untyped-def]
    async with platform_factory(definitions=QA) as p:
        cons = p["qacons"]
        PLAN.fail_first["poison"] = -1
        envelope = await emit(p["qaprod"], 13, "poison")
        entries = await wait_for(cons.dlq.list)  # type: ignore[union-attr]
        assert len(entries) == 1
        entry = entries[0]
        assert entry.consumer == "qacons-ping" and entry.event_id == str(envelope.id)
        assert entry.deliveries == 3 and "planned failure" in entry.error
        assert PLAN.deliveries("poison") == 3
        assert await effect_count(cons, "poison") == 0  # every failed try rolled back

        PLAN.fail_first["poison"] = 0  # the operator fixed the cause; now replay
        await cons.dlq.replay(entry.seq)  # type: ignore[union-attr]
        await wait_for(lambda: effect_count(cons, "poison"))
        await settle(cons)
        assert await effect_count(cons, "poison") == 1
        assert await cons.dlq.count() == 0  # type: ignore[union-attr]

        # A message that is not even an envelope is dead-lettered at once, not retried.
        subject = cons.naming.subject(PingSent.versioned_type())
        await p["qaprod"].js.publish(subject, b"\xff not json", headers={"Nats-Msg-Id": "garbage-1"})
        garbage = await wait_for(lambda: _entries_with(cons, "unparseable"))
        assert garbage[0].deliveries == 1


async def test_e_trace_continues_across_the_relay(platform_factory, spans: InMemorySpanExporter) -> None:  # type: ignore[no-untyped-def]
    async with platform_factory(definitions=QA) as p:
        tracer = trace.get_tracer("test")
        with tracer.start_as_current_span("use case") as root:
            await emit(p["qaprod"], 1, "traced")
        await wait_for(lambda: effect_count(p["qacons"], "traced"))
        trace_id = root.get_span_context().trace_id
        in_trace = await wait_for(lambda: _spans_named(spans, trace_id, "qacons-ping apply"))
        all_in_trace = [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]
        publish = [s for s in all_in_trace if s.name.endswith("ping.sent.v1 publish")]
        assert publish and publish[0].parent is not None
        assert publish[0].parent.span_id == root.get_span_context().span_id  # the relay restored the context
        # The handler's span is the delivery's CONSUMER span, continuing from the publish across NATS.
        assert in_trace[0].kind == trace.SpanKind.CONSUMER
        assert in_trace[0].parent is not None and in_trace[0].parent.span_id == publish[0].context.span_id
        attributes = dict(in_trace[0].attributes or {})  # semantic conventions, for any tracing backend
        assert attributes["messaging.system"] == "nats"
        assert attributes["messaging.consumer.group.name"] == "qacons-ping"
        assert attributes["messaging.message.id"] == publish[0].attributes["messaging.message.id"]  # type: ignore[index]


async def _outbox_row(runtime: ServiceRuntime, envelope: Envelope):  # type: ignore[no-untyped-def]
    outbox = runtime.definition.tables.outbox
    async with runtime.uow.read() as session:
        return (await session.execute(select(outbox).where(outbox.c.id == envelope.id))).one()


async def _is_zero(value) -> bool:  # type: ignore[no-untyped-def]
    return (await value) == 0


async def _entries_with(runtime: ServiceRuntime, text: str):  # type: ignore[no-untyped-def]
    return [e for e in await runtime.dlq.list() if text in e.error]  # type: ignore[union-attr]


def _spans_named(spans: InMemorySpanExporter, trace_id: int, name: str):  # type: ignore[no-untyped-def]
    return [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id and s.name == name]


async def test_c_the_same_event_twice_in_one_batch_is_applied_once(platform_factory) -> None:  # type: ignore[no-untyped-def]
    async with platform_factory(definitions=QA) as p:
        cons = p["qacons"]
        sub = cons.definition.handlers.subscriptions[0]
        envelope = Envelope.wrap(PingSent(n=3, label="same-batch"), producer="qaprod")
        outcomes = await asyncio.gather(cons.applier.apply(sub, envelope), cons.applier.apply(sub, envelope))
        assert sorted(outcomes) == ["applied", "duplicate"]
        assert await cons.applier.apply(sub, envelope) == "duplicate"  # and in a later batch too
        assert await effect_count(cons, "same-batch") == 1


async def test_operators_see_and_replay_dead_letters_over_http(platform_factory) -> None:  # type: ignore[no-untyped-def]
    from kit.web.auth import MEMBER_ADMIN, OPERATOR, Principal, issue_token
    from tests.support.platform import TEST_SECRET

    async with platform_factory(definitions=QA) as p:
        PLAN.fail_first["http-poison"] = -1
        await emit(p["qaprod"], 1, "http-poison")
        await wait_for(p["qacons"].dlq.list)  # type: ignore[union-attr]
        operator = issue_token(Principal(uuid4(), "op@example.jp", OPERATOR), TEST_SECRET)
        member = issue_token(Principal(uuid4(), "m@example.jp", MEMBER_ADMIN, uuid4()), TEST_SECRET)
        assert (await p.client.get("/ops/dlq")).status_code == 401
        assert (await p.client.get("/ops/dlq", headers={"authorization": f"Bearer {member}"})).status_code == 403
        listed = await p.client.get("/ops/dlq", headers={"authorization": f"Bearer {operator}"})
        assert listed.status_code == 200 and listed.json()[0]["consumer"] == "qacons-ping"
        PLAN.fail_first["http-poison"] = 0
        replayed = await p.client.post(f"/ops/dlq/{listed.json()[0]['id']}/replay",
                                       headers={"authorization": f"Bearer {operator}"})
        assert replayed.status_code == 200
        await wait_for(lambda: effect_count(p["qacons"], "http-poison"))
        missing = await p.client.post("/ops/dlq/99999/replay", headers={"authorization": f"Bearer {operator}"})
        assert missing.status_code == 404


async def test_events_a_handler_emits_are_published_once_it_commits(platform_factory) -> None:  # type: ignore[no-untyped-def]
    async with platform_factory(definitions=QA) as p:
        cons = p["qacons"]
        PLAN.fail_first["echo-flaky"] = 1  # the first try emits, fails, and must leave no event behind
        await emit(p["qaprod"], 5, "echo-flaky")
        await wait_for(lambda: effect_count(cons, "echo-flaky"))
        outbox = cons.definition.tables.outbox

        async def published() -> list[object]:
            async with cons.uow.read() as session:
                return list((await session.execute(select(outbox.c.event_type, outbox.c.state))).all())

        rows = await wait_for(lambda: _all_published(published()))
        assert [r.event_type for r in rows] == ["qacons.ping.echoed.v1"]  # one, from the successful try


async def _all_published(rows_coro) -> list[object]:  # type: ignore[no-untyped-def]
    rows = await rows_coro
    return rows if rows and all(r.state == "published" for r in rows) else []
