"""Every request to a mounted service is counted by status class and timed to the start of its
response (kakawari_http_requests_total, kakawari_http_request_seconds); probes, scrapes and the host's
own routes are not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from kit.web.http_stack import install_http_stack

SERVICE = "httpmetricsunit"  # a service name no other test uses: the registry is the process's
RAW = "httpmetricsraw"


def requests(status_class: str, service: str = SERVICE) -> float:
    return REGISTRY.get_sample_value("kakawari_http_requests_total",
                                     {"service": service, "status_class": status_class}) or 0.0


def timed(suffix: str, service: str = SERVICE) -> float:
    return REGISTRY.get_sample_value(f"kakawari_http_request_seconds_{suffix}", {"service": service}) or 0.0


async def ok(request: Request) -> Response:
    return PlainTextResponse("ok")


async def unavailable(request: Request) -> Response:
    return JSONResponse({"ready": False}, status_code=503)


async def boom(request: Request) -> Response:
    raise RuntimeError("boom")


async def stream(request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        yield b"first"
        await asyncio.sleep(0.3)  # a long-lived stream: its time is not the request's
        yield b"second"

    return StreamingResponse(body())


async def raw_failure(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("no answer at all")


def host() -> Starlette:
    service = Starlette(routes=[Route("/ok", ok), Route("/unavailable", unavailable), Route("/boom", boom),
                                Route("/stream", stream), Route("/metrics", ok), Route("/readyz", ok)])
    app = Starlette(routes=[Route("/healthz", ok), Route("/elsewhere", ok), Mount(f"/{SERVICE}", service),
                            Mount(f"/{RAW}", raw_failure)])
    install_http_stack(app)
    return app


async def test_requests_are_counted_by_service_and_status_class() -> None:
    before = {c: requests(c) for c in ("2xx", "4xx", "5xx")}
    count_before = timed("count")
    transport = httpx.ASGITransport(app=host(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for path in ("/ok", "/ok", "/missing", "/unavailable", "/boom"):
            await client.get(f"/{SERVICE}{path}")
        # Probes and scrapes (the console reads them every few seconds) and the host's own routes are not counted.
        for path in (f"/{SERVICE}/metrics", f"/{SERVICE}/readyz", "/healthz", "/elsewhere"):
            assert (await client.get(path)).status_code == 200
    assert requests("2xx") - before["2xx"] == 2
    assert requests("4xx") - before["4xx"] == 1
    assert requests("5xx") - before["5xx"] == 2  # the 503 and the 500 the error middleware answered
    assert timed("count") - count_before == 5
    # Every status class is there from the first request on, so a rate can start from zero.
    assert REGISTRY.get_sample_value("kakawari_http_requests_total",
                                     {"service": SERVICE, "status_class": "1xx"}) is not None


async def test_an_app_that_raises_without_answering_counts_as_a_5xx() -> None:
    before = requests("5xx", RAW)
    transport = httpx.ASGITransport(app=host(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get(f"/{RAW}/anything")).status_code == 500
    assert requests("5xx", RAW) - before == 1


async def test_a_stream_is_timed_to_the_start_of_its_response() -> None:
    sum_before, count_before = timed("sum"), timed("count")
    transport = httpx.ASGITransport(app=host())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(f"/{SERVICE}/stream")
    assert response.text == "firstsecond"
    assert timed("count") - count_before == 1
    assert timed("sum") - sum_before < 0.25
