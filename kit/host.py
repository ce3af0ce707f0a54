"""The ASGI host: mounts one or more service runtimes under `/<service>/`.

All-in-one mode hosts every service; per-service mode hosts one. Either
way the root answers `/livez` (alias `/healthz`), `/readyz` (200 only when every hosted
service can serve, naming each; `degraded` when one is without NATS), `/metrics` and, for
operators, the dead-letter queue at `/ops/dlq`; its lifespan starts and stops the runtimes
in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from kit.heap import freeze_after_startup
from kit.runtime import ServiceRuntime
from kit.telemetry.http_tracing import FASTAPI_TELEMETRY_OFF
from kit.telemetry.loop_lag import LoopLagMonitor
from kit.web.dead_letters import dead_letter_routes
from kit.web.health import health_routes, status
from kit.web.http_stack import install_http_stack
from kit.web.problems import install_problem_handlers
from kit.web.routing import include_flat


def build_host(
    runtimes: Sequence[ServiceRuntime[Any]],
    *,
    apply_topology: bool,
    producers: list[str],
    after_start: Callable[[], Awaitable[None]] | None = None,
    title: str = "kakawari",
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        started: list[ServiceRuntime[Any]] = []
        lag = LoopLagMonitor()
        try:
            for runtime in runtimes:
                await runtime.start(apply_topology=apply_topology, producers=producers)
                started.append(runtime)
            if after_start is not None:
                await after_start()
            freeze_after_startup()
            lag.start()
            yield
        finally:
            await lag.stop()
            for runtime in reversed(started):
                await runtime.stop()

    app = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None,
                  telemetry=FASTAPI_TELEMETRY_OFF)
    install_problem_handlers(app)
    app.state.runtimes = {r.name: r for r in runtimes}

    async def readiness() -> dict[str, Any]:
        reports = await asyncio.gather(*(r.readiness() for r in runtimes))
        ready = all(r["ready"] for r in reports)
        return {"ready": ready, "status": status(ready=ready, degraded=any(r["status"] != "ready" for r in reports)),
                "services": {r["service"]: r for r in reports}}

    include_flat(app, health_routes(readiness))
    app.state.secret_key = runtimes[0].settings.secret_key  # for kit.web.deps.principal
    include_flat(app, dead_letter_routes({r.name: r.dead_letters for r in runtimes}, naming=runtimes[0].naming))

    for runtime in runtimes:
        app.mount(f"/{runtime.name}", runtime.app)
    install_http_stack(app)  # the request's span, security headers, service requests straight to their app
    return app
