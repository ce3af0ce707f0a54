"""The ASGI host: mounts one or more service runtimes under `/<service>/`.

All-in-one mode hosts all four services; per-service mode hosts one. Either
way the root answers `/healthz`, `/readyz` (200 only when every hosted service
is ready, naming each) and `/metrics`, and its lifespan starts and stops the
runtimes in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from kit.runtime import ServiceRuntime
from kit.telemetry import metrics
from kit.web.problems import install_problem_handlers


def build_host(
    runtimes: list[ServiceRuntime],
    *,
    apply_topology: bool,
    producers: list[str],
    after_start: Callable[[], Awaitable[None]] | None = None,
    title: str = "kakawari",
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        started: list[ServiceRuntime] = []
        try:
            for runtime in runtimes:
                await runtime.start(apply_topology=apply_topology, producers=producers)
                started.append(runtime)
            if after_start is not None:
                await after_start()
            yield
        finally:
            for runtime in reversed(started):
                await runtime.stop()

    app = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    install_problem_handlers(app)
    app.state.runtimes = {r.name: r for r in runtimes}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        reports = await asyncio.gather(*(r.readiness() for r in runtimes))
        ready = all(r["ready"] for r in reports)
        return JSONResponse({"ready": ready, "services": {r["service"]: r for r in reports}},
                            status_code=200 if ready else 503)

    @app.get("/metrics")
    async def metrics_endpoint() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    for runtime in runtimes:
        app.mount(f"/{runtime.name}", runtime.app)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    return app
