"""`/livez`, `/readyz` and `/metrics`, defined once: the host serves them for the whole
process, and each service's app for itself (so a per-service probe can target one).

- `/livez` (and `/healthz`, its older name, kept for the probes and healthchecks that use it):
  the process is alive, its event loop answers. No dependency is checked: restarting a
  process does not bring its database or NATS back.
- `/readyz`: 200 when the service can serve, that is when it has started and its database
  answers; 503 otherwise. NATS is reported, not required: while it is away the service is
  `degraded`, its writes commit and their events wait in the outbox until NATS is back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from kit.telemetry import metrics

Readiness = Callable[[], Awaitable[dict[str, Any]]]  # a report with a boolean "ready" and its "status"
Status = Literal["ready", "degraded", "not_ready"]


def status(*, ready: bool, degraded: bool) -> Status:
    """The report's one word: not_ready (503), else degraded (200, something optional is away), else ready."""
    return "not_ready" if not ready else "degraded" if degraded else "ready"


def health_routes(readiness: Readiness, **identity: str) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/livez")
    @router.get("/healthz")
    async def livez() -> dict[str, str]:
        """Alive: the process and its event loop answer. Says nothing about its dependencies."""
        return {"status": "ok", **identity}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        """Ready: 200 when the database answers (NATS away is `degraded`, still 200), 503 otherwise."""
        report = await readiness()
        return JSONResponse(report, status_code=200 if report["ready"] else 503)

    @router.get("/metrics")
    async def metrics_endpoint() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    return router
