"""matching's test fixture: the platform running matching alone, on the test's database backend;
a member as matching's copy knows it, and its staff; a program's body; publishing an event as its
producer would; and what matching emitted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

from kit.db.types import utcnow
from kit.jst import JST
from kit.messaging.envelope import Envelope
from services.matching.models import MESSAGING, Member
from tests.support.events import publish  # noqa: F401 - the tests import it from here
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

API = "/matching/api/v1"
HIDA = "212172"  # 岐阜県飛騨市


@pytest.fixture
async def matching(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                   ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["matching"]) as running:
        yield running


async def member(platform: RunningPlatform, name: str = "飛騨市", kind: str = "municipality",
                 status: str = "active") -> UUID:
    """A member as matching's copy knows it (the registry's events would have written it)."""
    member_id = uuid4()
    async with platform["matching"].uow() as tx:
        tx.session.add(Member(id=member_id, name=name, kind=kind, status=status, updated_at=utcnow()))
        await tx.commit()
    return member_id


async def staff_of(platform: RunningPlatform, name: str = "飛騨市", kind: str = "municipality"
                   ) -> tuple[UUID, dict[str, str]]:
    """A member and the Authorization header of one of its staff."""
    member_id = await member(platform, name, kind)
    return member_id, bearer(person(f"staff-{uuid4().hex[:6]}@example.jp", "staff", member_id))


def days_ahead(n: int) -> date:
    """The JST day `n` days from today."""
    return datetime.now(UTC).astimezone(JST).date() + timedelta(days=n)


def program(**extra: Any) -> dict[str, Any]:
    """A program's body: a day of apple harvest in 飛騨市 a month from now."""
    start = days_ahead(30)
    return {"title": "りんごの収穫を手伝ってください", "description": "古川町の果樹園で一日、収穫と選果を。",
            "host_name": "中村さん（果樹農家）", "municipality_code": HIDA, "starts_on": start.isoformat(),
            "ends_on": start.isoformat(), "capacity": 5, "required_skills": ["harvest"],
            "optional_skills": ["driving"], "tags": ["りんご", "日帰り", "りんご"], "okaeshi": "りんご一箱", **extra}


async def post(platform: RunningPlatform, who: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A new draft program (201), as the API answered it."""
    r = await platform.client.post(f"{API}/programs", json=program(**extra), headers=who)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def emitted(platform: RunningPlatform, versioned_type: str) -> list[dict[str, Any]]:
    """The payloads of the events of this type (`matching.program.published.v1`) matching wrote
    to its outbox, oldest first."""
    outbox = MESSAGING.outbox
    async with platform["matching"].uow.read() as session:
        envelopes = (await session.scalars(select(outbox.c.envelope).where(outbox.c.event_type == versioned_type)
                                           .order_by(outbox.c.id))).all()
    return [Envelope.model_validate_json(envelope).payload for envelope in envelopes]


async def outbox_size(platform: RunningPlatform) -> int:
    async with platform["matching"].uow.read() as session:
        return int(await session.scalar(select(func.count()).select_from(MESSAGING.outbox)) or 0)
