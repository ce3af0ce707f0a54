"""The host's HTTP stack: one pure ASGI pass for the request's span and the security headers,
one that counts and times each service's requests (`kakawari_http_requests_total`,
`kakawari_http_request_seconds`), and requests for a service handed straight to its app.

Every response gets `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`
and a `Content-Security-Policy`. Pages load scripts only from the site itself
(no inline `<script>`); inline styles stay allowed, the layouts use `<style>`
blocks and `style=` attributes. FastAPI's API docs (`/<service>/docs`, `/redoc`)
load Swagger UI and ReDoc from their CDN with an inline bootstrap script, so they
get a policy that allows exactly that; no page may be framed either way.
"""

from __future__ import annotations

from time import perf_counter

from prometheus_client import Counter, Histogram
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit.foreground import RequestsWaiting
from kit.telemetry import metrics
from kit.telemetry.http_tracing import RawHeaders, ServerSpans

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_COMMON: RawHeaders = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
PAGE_HEADERS: RawHeaders = (*_COMMON, (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
DOCS_HEADERS: RawHeaders = (*_COMMON, (b"content-security-policy", DOCS_CONTENT_SECURITY_POLICY.encode()))
_DOCS_SUFFIXES = ("/docs", "/docs/oauth2-redirect", "/redoc")
# Probes and scrapes: answered, given the headers, never traced (at the root and under each service).
PROBES = ("/livez", "/healthz", "/readyz", "/metrics")


def security_headers(path: str) -> RawHeaders:
    return DOCS_HEADERS if path.endswith(_DOCS_SUFFIXES) else PAGE_HEADERS


def untraced_paths(app: Starlette) -> frozenset[str]:
    mounts = [route.path for route in app.routes if isinstance(route, Mount)]
    return frozenset([*PROBES, *(f"{mount}{probe}" for mount in mounts for probe in PROBES)])


def _route_path(scope: Scope, root_path: str) -> str:
    """The path routes match on: the request's, less the root path it is served under."""
    path: str = scope["path"]
    return path[len(root_path):] if root_path and path.startswith(root_path) else path


def _mount_of(route_path: str) -> str:
    """The first segment, `/registry` of `/registry/api/...`, where a service is mounted; empty if none."""
    end = route_path.find("/", 1)
    return route_path[:end] if end > 0 else ""


class MountDispatch:
    """Requests under a mounted app (`/<service>/...`) go straight to it, with the scope Starlette's
    `Mount` would give it; anything else goes through the host's own stack.

    Each service app has its own error middleware and exception handlers, so the host's (and its
    router trying every host route before reaching the mounts) would only run again around it.
    Only used while the host has no middleware of its own, which must see every request.
    """

    def __init__(self, host: ASGIApp, mounts: dict[str, ASGIApp], router: object) -> None:
        self.host = host
        self.mounts = mounts
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            root_path: str = scope.get("root_path", "")
            mount = _mount_of(_route_path(scope, root_path))
            mounted = self.mounts.get(mount) if mount else None
            if mounted is not None:
                # What Mount.matches puts in the child scope, and the router the host's would have set.
                scope["app_root_path"] = scope.get("app_root_path", root_path)
                scope["root_path"] = root_path + mount
                scope.setdefault("router", self.router)
                scope["path_params"] = dict(scope.get("path_params", {}))
                scope["endpoint"] = mounted
                await mounted(scope, receive, send)
                return
        await self.host(scope, receive, send)


class _ServiceRequests:
    """One service's request counters (a child per status class) and latency histogram, labelled
    once: `.labels()` takes a lock and a dict lookup that the hot path does not need to repeat."""

    __slots__ = ("by_class", "seconds")

    def __init__(self, service: str) -> None:
        self.by_class: tuple[Counter, ...] = tuple(
            metrics.HTTP_REQUESTS.labels(service, status_class) for status_class in metrics.HTTP_STATUS_CLASSES)
        self.seconds: Histogram = metrics.HTTP_REQUEST_SECONDS.labels(service)

    def record(self, status: int, seconds: float) -> None:
        self.by_class[min(max(status // 100, 1), 5) - 1].inc()
        self.seconds.observe(seconds)


class RequestMetrics:
    """Counts every request to a mounted service (`/<service>/...`) by status class and times it from
    arrival to the start of its response: an SSE stream counts once its headers are out, not for as
    long as it stays open. Probes and scrapes (`skip`) are not counted: the console scrapes every few
    seconds. A request whose app raised before answering counts as a 5xx."""

    def __init__(self, app: ASGIApp, *, services: list[str], skip: frozenset[str]) -> None:
        self.app = app
        self.services = {f"/{service}": _ServiceRequests(service) for service in services}
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.skip:
            await self.app(scope, receive, send)
            return
        recorder = self.services.get(_mount_of(_route_path(scope, scope.get("root_path", ""))))
        if recorder is None:
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        status = 0

        async def timed_send(message: Message) -> None:
            nonlocal status
            if not status and message["type"] == "http.response.start":
                status = message["status"]
                recorder.record(status, perf_counter() - start)
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            if not status:
                recorder.record(500, perf_counter() - start)


def install_http_stack(app: Starlette) -> None:
    """Put the span and the security headers outermost in `app`, around Starlette's error middleware,
    so they also cover the 500 it answers with.

    Starlette builds its middleware stack at the first request; wrapping that build keeps
    routes, mounts, exception handlers and middleware added after this call working. Host
    routes under a mounted service's prefix are never reached: the service answers them.
    Build a FastAPI host with `telemetry=FASTAPI_TELEMETRY_OFF` (kit.telemetry.http_tracing):
    its native telemetry runs before any middleware and would trace the request again.
    """
    build = app.build_middleware_stack

    def build_with_http_stack() -> ASGIApp:
        host = build()
        # One literal path segment, as `/<service>`: a dict lookup finds it.
        mounts = {route.path: route.app for route in app.routes
                  if isinstance(route, Mount) and route.path.count("/") == 1 and "{" not in route.path}
        inner = MountDispatch(host, mounts, app.router) if mounts and not app.user_middleware else host
        untraced = untraced_paths(app)
        measured = RequestMetrics(inner, services=[path[1:] for path in mounts], skip=untraced) if mounts else inner
        # Outermost: requests count as waiting from arrival, so background work stands aside.
        return RequestsWaiting(ServerSpans(measured, untraced=untraced, response_headers=security_headers))

    app.build_middleware_stack = build_with_http_stack  # type: ignore[method-assign]
