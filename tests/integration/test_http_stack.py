"""The host's HTTP stack: one SERVER span per request, the client's trace continued, 5xx as
errors, no spans for probes, the database's spans inside the request's, and the security headers
on every response."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi.responses import JSONResponse
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from kit.web.http_stack import CONTENT_SECURITY_POLICY
from tests.support.platform import RunningPlatform, platform_per_backend

LOOKUP = "/registry/api/v1/local-governments/212172"  # an in-memory lookup: no database
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_ID = "b7ad6b7169203331"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def registry(request: pytest.FixtureRequest, nats_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningPlatform]:
    async with platform_per_backend(request, nats_url, tmp_path_factory, services=["registry"]) as running:
        app = running["registry"].app

        async def boom() -> None:
            raise RuntimeError("boom")

        async def unavailable() -> JSONResponse:
            return JSONResponse({"status": "down"}, status_code=503)

        app.add_api_route("/test-http-stack/boom", boom)
        app.add_api_route("/test-http-stack/unavailable", unavailable)
        yield running


def server_spans(spans: InMemorySpanExporter, path: str | None = None) -> list[ReadableSpan]:
    return [s for s in spans.get_finished_spans()
            if s.kind == SpanKind.SERVER and (path is None or (s.attributes or {}).get("url.path") == path)]


def in_trace(spans: InMemorySpanExporter, span: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans.get_finished_spans() if s.context.trace_id == span.context.trace_id]


async def test_one_server_span_per_request_named_by_its_route(
    registry: RunningPlatform, spans: InMemorySpanExporter
) -> None:
    response = await registry.client.get(LOOKUP)
    assert response.status_code == 200, response.text

    [span] = server_spans(spans, LOOKUP)
    assert span.name == "GET /registry/api/v1/local-governments/{code}"
    attributes = dict(span.attributes or {})
    assert attributes["http.request.method"] == "GET"
    assert attributes["http.route"] == "/registry/api/v1/local-governments/{code}"
    assert attributes["http.response.status_code"] == 200
    assert attributes["url.path"] == LOOKUP and attributes["url.scheme"] == "http"
    assert attributes["server.address"] == "testserver"
    assert span.status.status_code == StatusCode.UNSET and span.parent is None
    # Nothing else in its trace: no span per ASGI message, none from FastAPI's own telemetry.
    assert in_trace(spans, span) == [span]

    page = await registry.client.get("/registry/directory")
    assert page.status_code == 200
    [page_span] = server_spans(spans, "/registry/directory")
    assert page_span.name == "GET /registry/directory"

    unknown = await registry.client.get("/registry/no/such/route")
    assert unknown.status_code == 404
    [unknown_span] = server_spans(spans, "/registry/no/such/route")
    assert unknown_span.name == "GET" and "http.route" not in (unknown_span.attributes or {})
    assert unknown_span.status.status_code == StatusCode.UNSET  # a 4xx is the client's error, not the server's


async def test_the_clients_trace_is_continued(registry: RunningPlatform, spans: InMemorySpanExporter) -> None:
    response = await registry.client.get(LOOKUP, headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"})
    assert response.status_code == 200

    [span] = server_spans(spans, LOOKUP)
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert span.parent is not None and span.parent.is_remote
    assert format(span.parent.span_id, "016x") == PARENT_ID


async def test_5xx_marks_the_span_as_an_error(registry: RunningPlatform, spans: InMemorySpanExporter) -> None:
    # The exception propagates past the 500 the service answered (for the server to log): read the answer.
    transport = httpx.ASGITransport(app=registry.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        failed = await client.get("/registry/test-http-stack/boom")
        unavailable = await client.get("/registry/test-http-stack/unavailable")
    assert failed.status_code == 500 and unavailable.status_code == 503

    [boom] = server_spans(spans, "/registry/test-http-stack/boom")
    assert boom.status.status_code == StatusCode.ERROR
    assert dict(boom.attributes or {})["http.response.status_code"] == 500
    assert dict(boom.attributes or {})["error.type"] == "RuntimeError"
    assert [e.name for e in boom.events] == ["exception"]
    [down] = server_spans(spans, "/registry/test-http-stack/unavailable")
    assert down.status.status_code == StatusCode.ERROR
    assert dict(down.attributes or {})["error.type"] == "503" and not down.events


async def test_probes_make_no_span(registry: RunningPlatform, spans: InMemorySpanExporter) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/registry/healthz", "/registry/readyz", "/registry/metrics"):
        response = await registry.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["x-content-type-options"] == "nosniff", path
    assert server_spans(spans) == []


async def test_database_spans_are_children_of_the_request(
    registry: RunningPlatform, spans: InMemorySpanExporter
) -> None:
    response = await registry.client.get("/registry/api/v1/directory")
    assert response.status_code == 200, response.text

    [span] = server_spans(spans, "/registry/api/v1/directory")
    statements = [s for s in in_trace(spans, span) if s.kind == SpanKind.CLIENT]
    assert statements, [s.name for s in in_trace(spans, span)]
    assert all(s.parent is not None and s.parent.span_id == span.context.span_id for s in statements)
    assert any(s.name.startswith("SELECT") for s in statements)
    # Children end first: the request's span covers its statements.
    assert all(span.start_time <= s.start_time and s.end_time <= span.end_time for s in statements)


def assert_security_headers(headers: httpx.Headers, policy: str = CONTENT_SECURITY_POLICY) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["content-security-policy"] == policy
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    for name in ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy"):
        assert len(headers.get_list(name)) == 1, name


async def test_security_headers_on_pages_and_api(registry: RunningPlatform) -> None:
    page = await registry.client.get("/registry/directory", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_security_headers(page.headers)
    api = await registry.client.get(LOOKUP)
    assert api.headers["content-type"].startswith("application/json")
    assert_security_headers(api.headers)
    problem = await registry.client.get("/registry/api/v1/local-governments/999999")  # a wrong check digit
    assert problem.status_code == 422 and problem.headers["content-type"].startswith("application/problem+json")
    assert_security_headers(problem.headers)
    host_page = await registry.client.get("/nowhere", headers={"accept": "text/html"})  # the host's own answer
    assert_security_headers(host_page.headers)

    # The API docs load Swagger UI from its CDN with an inline bootstrap script; still never framed.
    docs = await registry.client.get("/registry/docs")
    assert docs.status_code == 200
    policy = docs.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "https://cdn.jsdelivr.net" in policy
    assert docs.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/registry/", "/registry/directory", "/registry/apply", "/registry/login"])
async def test_pages_need_nothing_the_policy_forbids(registry: RunningPlatform, path: str) -> None:
    """`script-src 'self'`: every script comes from a file on the site, none is inline."""
    page = await registry.client.get(path)
    assert page.status_code == 200, page.text
    html = page.text.lower()
    scripts = html.split("<script")[1:]
    assert all(" src=" in s.split(">", 1)[0] for s in scripts), path
    assert "javascript:" not in html
    assert not any(f" on{event}=" in html for event in ("click", "load", "submit", "change", "input", "error"))
