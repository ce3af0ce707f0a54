"""One SERVER span per HTTP request, from a pure ASGI middleware.

The span is named `"{METHOD} {route template}"` (the method alone when no route
matched), carries the stable HTTP semantic-convention attributes, continues the
trace context the client sent (read by the global propagator, W3C `traceparent`
by default) and is the current span while the app runs, so SQL statements and
the outbox rows written in the request are its children.

Why not opentelemetry-instrumentation-asgi (under -fastapi): besides the request's
span it opens one for every ASGI message sent or received and parses the headers
again for each. FastAPI's own telemetry, on whenever a tracer provider is set,
would add a SERVER span per mounted app plus spans around dependency resolution,
the endpoint and serialization; this middleware turns it off for the requests it
sees (the host app turns it off with `FastAPI(telemetry=FASTAPI_TELEMETRY_OFF)`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

tracer = trace.get_tracer("kakawari.http")

RawHeaders = Sequence[tuple[bytes, bytes]]

# For `FastAPI(telemetry=...)`: the host's own spans, metrics and logs come from the kit.
FASTAPI_TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False,
                                          "operation_spans": False}
# FastAPI skips its native telemetry for a request whose scope has this key (it is how FastAPI keeps
# mounted apps from tracing a request again); None means "no telemetry here".
_FASTAPI_TELEMETRY_KEY = "fastapi.telemetry"
_KNOWN_METHODS = frozenset({"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ERROR = Status(StatusCode.ERROR)


class _HeaderDict(Getter[dict[bytes, bytes]]):
    """The request's headers as one dict (ASGI names are lower-case bytes), built once; a repeated
    header keeps its last value."""

    def get(self, carrier: dict[bytes, bytes], key: str) -> list[str] | None:
        value = carrier.get(key.encode("latin-1"))
        return None if value is None else [value.decode("latin-1")]

    def keys(self, carrier: dict[bytes, bytes]) -> list[str]:
        return [key.decode("latin-1") for key in carrier]


_GETTER = _HeaderDict()


def _server(scope: Scope, headers: dict[bytes, bytes]) -> tuple[str, int] | None:
    """`server.address` and `server.port` from the Host header, else the listening socket."""
    host = headers.get(b"host")
    if host is None:
        server = scope.get("server")
        return (str(server[0]), int(server[1])) if server and server[1] is not None else None
    authority = host.decode("latin-1")
    name, colon, port = authority.rpartition(":")
    if colon and port.isdigit():
        return name.strip("[]"), int(port)
    return authority.strip("[]"), _DEFAULT_PORTS.get(scope.get("scheme", "http"), 80)


def route_template(scope: Scope, root_path: str) -> str | None:
    """The matched route's path template, mount prefixes included; None when no route matched.

    Read after the app ran: routers record the route they matched in `scope["route"]`
    and mounts extend `scope["root_path"]`, both on the one scope dict.
    """
    route = scope.get("route")
    if route is None:
        return None
    prefix = str(scope.get("root_path", ""))[len(root_path):]
    if isinstance(route, Mount):  # a mounted app that matched nothing itself
        return f"{prefix}/{{path}}"
    # The kit adds routers flat (kit.web.routing.include_flat), so a route's template is its full path.
    path = getattr(route, "path_format", None)
    return f"{prefix}{path}" if path else None


class ServerSpans:
    """Pure ASGI middleware: one SERVER span per HTTP request, none for `untraced` paths.

    `response_headers(path)`, when given, names headers appended to every HTTP response
    in the same pass (the kit's security headers), traced or not.
    """

    def __init__(self, app: ASGIApp, *, untraced: Collection[str] = (),
                 response_headers: Callable[[str], RawHeaders] | None = None) -> None:
        self.app = app
        self.untraced = frozenset(untraced)
        self.response_headers = response_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[_FASTAPI_TELEMETRY_KEY] = None
        path: str = scope["path"]
        extra = self.response_headers(path) if self.response_headers is not None else ()
        if path in self.untraced:
            if extra:
                send = _appending(send, extra)
            await self.app(scope, receive, send)
            return
        await self._traced(scope, receive, send, extra)

    async def _traced(self, scope: Scope, receive: Receive, send: Send, extra: RawHeaders) -> None:
        headers = dict(scope["headers"])
        parent = propagate.extract(headers, getter=_GETTER)
        method: str = scope["method"]
        attributes: dict[str, Any] = {"http.request.method": method, "url.path": scope["path"],
                                      "url.scheme": scope.get("scheme", "http")}
        if method not in _KNOWN_METHODS:
            attributes["http.request.method"] = "_OTHER"
            attributes["http.request.method_original"] = method
            method = "HTTP"
        server = _server(scope, headers)
        if server is not None:
            attributes["server.address"], attributes["server.port"] = server
        span = tracer.start_span(method, context=parent, kind=SpanKind.SERVER, attributes=attributes)
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        root_path = str(scope.get("root_path", ""))
        status = 0

        async def traced_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if extra:
                    message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        failure: BaseException | None = None
        try:
            await self.app(scope, receive, traced_send)
        except BaseException as exc:
            failure = exc
            raise
        finally:
            otel_context.detach(token)
            if span.is_recording():
                route = route_template(scope, root_path)
                done: dict[str, Any] = {}
                if route is not None:
                    span.update_name(f"{method} {route}")
                    done["http.route"] = route
                if status:
                    done["http.response.status_code"] = status
                if failure is not None:
                    done["error.type"] = _exception_type(failure)
                    span.record_exception(failure)
                elif status >= 500 or not status:
                    done["error.type"] = str(status) if status else "incomplete_response"
                span.set_attributes(done)
                if "error.type" in done:
                    span.set_status(_ERROR)
            span.end()


def _exception_type(exc: BaseException) -> str:
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _appending(send: Send, extra: RawHeaders) -> Send:
    async def appending_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *extra]
        await send(message)

    return appending_send
