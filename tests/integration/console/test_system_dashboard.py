"""The console's system dashboard on the whole platform, served on a real port so the console reaches
every service's /readyz and /metrics as it does in production: each service's health, every
consumer with its pending count, the HTTP counters moving, and a poison message in the dead-letter
queue with its trace, replayed from the API and from the page. Operators only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any

import pytest
from nats.js.api import ConsumerConfig

from kakawari import catalog
from kit.contracts import registry
from kit.dev.nats_server import free_port
from kit.messaging.envelope import Envelope
from services.console.handlers import consumer_name
from services.console.system.service import SystemMonitor
from tests.support.platform import RunningPlatform
from tests.support.servers import uvicorn_serving, wait_for
from tests.support.sessions import bearer, person, sign_in

Platform = Callable[..., AbstractAsyncContextManager[RunningPlatform]]
API = "/console/api/v1/system"
PAGE = "/console/system"
TRACE_URL = "https://jaeger.example/trace/{trace_id}"
POISONED = consumer_name(registry.SmallBaseRegistered)  # the console is its one consumer
LOOKUP = "/registry/api/v1/local-governments/212172"  # a registry request that needs no database
OPERATOR = bearer(person(role="operator"))


@pytest.fixture
async def served(platform_factory: Platform) -> AsyncIterator[RunningPlatform]:
    """The platform, every service a target of the console at this process's own address."""
    port = free_port()

    def tweak(settings: Any) -> Any:
        return replace(settings, services=catalog.SERVICE_NAMES, port=port, trace_url=TRACE_URL)

    async with platform_factory(tweak=tweak) as platform, uvicorn_serving(platform.app, port):
        console = platform["console"]
        deps = console.deps
        # Rates from looks a moment apart (the dashboard waits MIN_WINDOW_S between baselines).
        console.app.state.deps = replace(deps, system=SystemMonitor(
            targets=deps.targets, naming=deps.naming, jetstream=deps.jetstream, dead_letters=deps.dead_letters,
            trace_url=deps.trace_url, secret_key=deps.system.secret_key, min_window_s=0.0))
        yield platform


async def poison(platform: RunningPlatform, trace: str) -> Envelope:
    """An event whose payload its contract refuses: every try fails, and it ends in the DLQ."""
    envelope = Envelope(type=registry.SmallBaseRegistered.event_type,
                        version=registry.SmallBaseRegistered.event_version, producer="registry",
                        traceparent=f"00-{trace}-b7ad6b7169203331-01", payload={"small_base_id": "not a uuid"})
    subject = platform["console"].naming.subject(envelope.versioned_type)
    await platform["console"].js.publish(subject, envelope.model_dump_json().encode(),
                                         headers={"Nats-Msg-Id": str(envelope.id)})
    return envelope


async def look(platform: RunningPlatform) -> dict[str, Any]:
    response = await platform.client.get(API, headers=OPERATOR)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def dead_letter_of(platform: RunningPlatform, envelope: Envelope) -> dict[str, Any]:
    [found] = [d for d in (await look(platform))["dead_letters"] if d["event_id"] == str(envelope.id)]
    return found


async def _count_is(count: Awaitable[int], expected: int) -> bool:
    return await count >= expected


@pytest.mark.parametrize("backend", ["sqlite"])  # the dashboard reads no database
async def test_the_system_dashboard(served: RunningPlatform) -> None:
    p = served
    naming = p["console"].naming
    # A durable nobody consumes, with three messages waiting for it: its pending count.
    idle_subject = naming.subject("registry.qa_idle.v1")
    await p["console"].js.add_consumer(naming.stream("registry"), ConsumerConfig(
        durable_name=naming.durable("qa-idle"), description="qa: nobody reads this", filter_subject=idle_subject))
    for n in range(3):
        await p["console"].js.publish(idle_subject, b"{}", headers={"Nats-Msg-Id": f"idle-{n}"})

    first = await look(p)
    assert [s["service"] for s in first["services"]] == list(catalog.SERVICE_NAMES)
    for service in first["services"]:
        assert service["health"] == {"state": "ready", "reason": None}, service
        assert service["target"].endswith(f"/{service['service']}") and service["metrics_error"] is None
        assert service["outbox"]["backlog"] >= 0
    assert first["health"] == "ready"
    consumers = {c["consumer"]: c for c in first["consumers"]}
    assert consumers["qa-idle"] | {"last_active": None} == {
        "service": "qa", "consumer": "qa-idle", "stream": naming.stream("registry"), "pending": 3,
        "ack_pending": 0, "redelivered": 0, "last_active": None}
    assert {c["service"] for c in first["consumers"]} >= {"forum", "matching", "notify", "console"}
    assert consumers[POISONED]["stream"] == naming.stream("registry")

    # The HTTP counters move with the requests, and the next look has a window to rate them over.
    registry_before = next(s for s in first["services"] if s["service"] == "registry")["traffic"]
    for _ in range(3):
        assert (await p.client.get(LOOKUP)).status_code == 200
    assert (await p.client.get("/registry/api/v1/no-such-thing")).status_code == 404
    second = await look(p)
    registry_now = next(s for s in second["services"] if s["service"] == "registry")["traffic"]
    assert registry_now["requests"] >= registry_before["requests"] + 4
    assert registry_now["window_s"] > 0 and registry_now["rate_per_s"] > 0
    assert registry_now["error_share"] == 0.0  # a 404 is the client's error
    assert 0 < registry_now["p50_s"] <= registry_now["p95_s"]
    console_now = next(s for s in second["services"] if s["service"] == "console")["traffic"]
    assert console_now["requests"] >= 1  # its own first look

    # Two poison messages reach the DLQ, each with the trace it travelled in.
    traces = ["0af7651916cd43dd8448eb211c80319c", "4bf92f3577b34da6a3ce929d0e0e4736"]
    first_poison, second_poison = [await poison(p, trace) for trace in traces]
    dlq = p["console"].dlq
    assert dlq is not None
    await wait_for(lambda: _count_is(dlq.count(), 2), timeout_s=20, interval_s=0.1)  # the DLQ itself: cheap to poll
    letters = [await dead_letter_of(p, envelope) for envelope in (first_poison, second_poison)]
    for letter, trace in zip(letters, traces, strict=True):
        assert letter["consumer"] == POISONED and letter["deliveries"] == p.settings.max_deliver
        assert letter["subject"] == naming.subject(registry.SmallBaseRegistered.versioned_type())
        assert letter["trace_id"] == trace and letter["trace_url"] == f"https://jaeger.example/trace/{trace}"
        assert "validation error" in letter["error"]
    assert (await look(p))["dead_letters_total"] >= 2

    # Only its producer may republish an event (with a NATS user per service, nobody else can): forum's
    # app refuses registry's, naming it; the console forwards the replay to registry.
    elsewhere = await p.client.post(f"/forum/ops/dlq/{letters[0]['id']}/replay", headers=OPERATOR)
    assert elsewhere.status_code == 409 and elsewhere.json()["owner"] == "registry", elsewhere.text
    assert (await p.client.post(f"/registry/ops/dlq/{letters[0]['id']}/replay")).status_code == 401

    # Replayed from the API: it leaves the DLQ.
    replayed = await p.client.post(f"{API}/dead-letters/{letters[0]['id']}/replay", headers=OPERATOR)
    assert replayed.status_code == 200 and replayed.json()["event_id"] == str(first_poison.id)
    assert letters[0]["id"] not in [d["id"] for d in (await look(p))["dead_letters"]]
    missing = await p.client.post(f"{API}/dead-letters/{letters[0]['id']}/replay", headers=OPERATOR)
    assert missing.status_code == 404

    # The page shows it all, and its button replays the other one.
    csrf = sign_in(p.client, p["console"].deps.sessions, person(role="operator"))
    page = await p.client.get(PAGE)
    assert page.status_code == 200, page.text
    html = page.text
    assert all(f'data-service="{name}"' in html for name in catalog.SERVICE_NAMES)
    assert 'data-consumer="qa-idle"' in html and 'data-state="ready"' in html
    assert f'href="https://jaeger.example/trace/{traces[1]}"' in html
    assert "デッドレター" in html and "Dead letters" in (await p.client.get(f"{PAGE}?lang=en")).text
    action = f"{PAGE}/dead-letters/{letters[1]['id']}/replay"
    assert f'action="{action}"' in html
    assert (await p.client.post(action, data={})).status_code == 403  # no CSRF token
    done = await p.client.post(action, data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"{PAGE}?replayed={letters[1]['id']}#dead-letters"
    assert letters[1]["id"] not in [d["id"] for d in (await look(p))["dead_letters"]]
    shown = await p.client.get(done.headers["location"])
    assert f'data-dead-letter="{letters[1]["id"]}"' not in shown.text and "#" + str(letters[1]["id"]) in shown.text


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_only_operators_see_the_system(platform_factory: Platform) -> None:
    async with platform_factory(services=["console"]) as p:
        staff = person(role="staff", member_id=person().user_id)
        assert (await p.client.get(API)).status_code == 401
        assert (await p.client.get(API, headers=bearer(staff))).status_code == 403
        assert (await p.client.post(f"{API}/dead-letters/1/replay")).status_code == 401
        assert (await p.client.post(f"{API}/dead-letters/1/replay", headers=bearer(staff))).status_code == 403

        anonymous = await p.client.get(PAGE)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == f"/registry/login?next={PAGE}"
        replay = await p.client.post(f"{PAGE}/dead-letters/1/replay")
        assert replay.status_code == 303 and replay.headers["location"] == f"/registry/login?next={PAGE}"
        sign_in(p.client, p["console"].deps.sessions, staff)
        assert (await p.client.get(PAGE)).status_code == 403
        assert (await p.client.post(f"{PAGE}/dead-letters/1/replay")).status_code == 403
