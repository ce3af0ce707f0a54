"""`/healthz`, `/readyz` and `/metrics`, defined once: the host serves them for the whole
process, and each service's app for itself (so a per-service probe can target one)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from kit.telemetry import metrics

Readiness = Callable[[], Awaitable[dict[str, Any]]]  # a report with a boolean "ready"


def health_routes(readiness: Readiness, **identity: str) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive: the process answers. Says nothing about its dependencies."""
        return {"status": "ok", **identity}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        """Ready: 200 only when the database and NATS answer, 503 otherwise."""
        report = await readiness()
        return JSONResponse(report, status_code=200 if report["ready"] else 503)

    @router.get("/metrics")
    async def metrics_endpoint() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    return router
