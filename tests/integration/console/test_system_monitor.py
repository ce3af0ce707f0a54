"""The system dashboard's look at services that are not well: one that says it is not ready (and
whose metrics fail), one that does not answer at all, one whose address is no URL, and NATS not
connected yet. Looks asked for
together share one. A replay whose producer cannot be asked is a clear 409 or 503, not a 500."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kit.dev.nats_server import free_port
from kit.errors import AppError
from kit.messaging.dlq import DeadLetter, DeadLetters
from kit.messaging.subjects import Naming
from kit.web.auth import Principal
from services.console.system.service import NOT_CONNECTED, SystemMonitor
from tests.support.servers import uvicorn_serving

LOOKS = 0
SECRET = "a-secret-key-for-the-system-monitor-tests"


async def readyz(request: Request) -> Response:
    global LOOKS
    LOOKS += 1
    await asyncio.sleep(0.05)  # long enough for a second look to arrive while this one is under way
    return JSONResponse({"service": "ailing", "ready": False, "database": True, "nats": False}, status_code=503)


async def metrics(request: Request) -> Response:
    return PlainTextResponse("boom", status_code=500)


async def test_a_look_at_services_that_are_not_well() -> None:
    ailing = Starlette(routes=[Route("/ailing/readyz", readyz), Route("/ailing/metrics", metrics)])
    async with uvicorn_serving(ailing, free_port()) as url:
        monitor = SystemMonitor(
            targets={"ailing": f"{url}/ailing", "gone": f"http://127.0.0.1:{free_port()}/gone",
                     "typo": "http://[not a host/typo"},
            naming=Naming("t0"), jetstream=lambda: None, dead_letters=lambda: None, trace_url=None,
            secret_key=SECRET)
        first, second = await asyncio.gather(monitor.overview(), monitor.overview())
    assert first is second and LOOKS == 1  # the second look shared the first
    sick, gone, typo = first.services
    assert (sick.health.state, sick.health.reason) == ("not_ready", "nats down")
    assert sick.outbox is None and sick.traffic is None and "500" in (sick.metrics_error or "")
    assert gone.health.state == "unreachable" and (gone.health.reason or "").startswith("ConnectError")
    assert typo.health.state == "unreachable" and typo.metrics_error  # a misconfigured target, not a 500
    assert first.health == "down"
    assert first.consumers == [] and first.consumers_error == NOT_CONNECTED
    assert first.dead_letters == [] and first.dead_letters_total == 0 and first.dead_letters_error == NOT_CONNECTED


class OneDeadLetter(DeadLetters):
    """The DLQ as the monitor reads it, holding one letter of `subject` (no NATS needed to ask for a replay)."""

    def __init__(self, subject: str) -> None:
        self.letter = DeadLetter(seq=7, consumer="console-x", subject=subject, event_id=str(uuid.uuid4()),
                                 error="boom", deliveries=5, at=datetime.now(UTC), data=b"{}")

    async def get(self, seq: int) -> DeadLetter | None:
        return self.letter if seq == self.letter.seq else None

    async def replay(self, seq: int) -> Any:
        raise AssertionError("the console never republishes: the producer does")


@pytest.mark.parametrize(("subject", "targets", "status"), [
    ("t0.registry.member.approved.v1", {"registry": "http://127.0.0.1:{port}/registry"}, 503),  # nobody there
    ("t0.forum.signup.requested.v1", {"registry": "http://127.0.0.1:{port}/registry"}, 409),  # not a target
    ("elsewhere.registry.member.approved.v1", {"registry": "http://127.0.0.1:{port}/registry"}, 409),
])
async def test_a_replay_the_producer_cannot_take(subject: str, targets: dict[str, str], status: int) -> None:
    port = free_port()  # nothing listens on it
    monitor = SystemMonitor(targets={k: v.format(port=port) for k, v in targets.items()}, naming=Naming("t0"),
                            jetstream=lambda: None, dead_letters=lambda: OneDeadLetter(subject), trace_url=None,
                            secret_key=SECRET)
    operator = Principal(user_id=uuid.uuid4(), email="ops@example.jp", role="operator")
    with pytest.raises(AppError) as refused:
        await monitor.replay(7, operator)
    assert refused.value.status == status and refused.value.ja and refused.value.en
    with pytest.raises(AppError) as missing:
        await monitor.replay(8, operator)
    assert missing.value.status == 404
