"""Browser fixtures: the platform behind a real uvicorn on a free port, and headless Chromium.

uvicorn runs as a task on the test's own event loop, so the app keeps using the
database and NATS connections the platform opened there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

import pytest

from kit.dev.nats_server import free_port
from tests.integration.registry.conftest import generous_limits
from tests.support.platform import RunningPlatform
from tests.support.servers import uvicorn_serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    """Skip only on a developer machine without Chromium; under CI a missing browser is a failure."""
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.getenv("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must install Chromium (apt-get install -y chromium)")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium); set CI=1 to make this a failure")


@dataclass
class Served:
    platform: RunningPlatform
    base_url: str


@pytest.fixture
async def served(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[Served]:
    require_chromium()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with platform_factory(services=["registry"], seed=True,
                                tweak=lambda s: replace(s, public_base_url=base)) as running:
        running["registry"].deps.limits = generous_limits()
        async with uvicorn_serving(running.app, port):
            yield Served(running, base)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()
