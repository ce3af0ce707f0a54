"""forum's test fixture: the platform running forum alone, on the test's database backend; and
what forum wrote to its outbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from sqlalchemy import select

from kit.contracts.base import EventContract
from tests.support.platform import RunningPlatform


@pytest.fixture
async def forum(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["forum"]) as running:
        yield running


async def emitted(platform: RunningPlatform, contract: type[EventContract] | None = None) -> list[dict[str, Any]]:
    """The payloads in forum's outbox, oldest first, each with its versioned "type": of `contract`, or all."""
    outbox = platform["forum"].definition.tables.outbox
    query = select(outbox.c.event_type, outbox.c.envelope).order_by(outbox.c.created_at, outbox.c.id)
    if contract is not None:
        query = query.where(outbox.c.event_type == contract.versioned_type())
    async with platform["forum"].uow.read() as session:
        rows = (await session.execute(query)).all()
    return [{"type": event_type, **json.loads(envelope)["payload"]} for event_type, envelope in rows]
