"""forum's test fixture: the platform running forum alone, on the test's database backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from tests.support.platform import RunningPlatform


@pytest.fixture
async def forum(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["forum"]) as running:
        yield running
