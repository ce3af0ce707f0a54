"""notify's test helpers: its own database without the platform, a unit of work on it, a queued
email row, and publishing an event to a running platform as its producer would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from uuid import UUID

import pytest
from sqlalchemy import MetaData, select

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.outbox import OutboxWriter
from kit.messaging.subjects import Naming
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.notify.delivery.domain.keys import address_hash, delivery_key
from services.notify.models import MESSAGING, Base, Delivery, DeliveryAttempt
from services.notify.preferences.tokens import UnsubscribeLinks
from tests.support.events import publish  # noqa: F401 - the tests import it from here
from tests.support.platform import TEST_SECRET, RunningPlatform

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
LINKS = UnsubscribeLinks(secret=TEST_SECRET, base_url="https://kakawari.example.jp")


@pytest.fixture
async def notify(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[RunningPlatform]:
    """The platform running notify alone, on the test's database backend."""
    async with platform_factory(services=["notify"]) as running:
        yield running


@pytest.fixture
async def notify_db(fresh_database: Callable[[MetaData], AbstractAsyncContextManager[Database]]
                    ) -> AsyncIterator[Database]:
    async with fresh_database(Base.metadata) as db:
        db.start()
        yield db


def uow_for(db: Database) -> UnitOfWorkFactory:
    """A unit of work on notify's tables whose events stay in the outbox (no relay runs)."""
    outbox = OutboxWriter(producer="notify", tables=MESSAGING, naming=Naming())
    return UnitOfWorkFactory(db, outbox, on_commit=lambda rows: None)


async def queue_email(db: Database, to: str = "someone@example.jp", *, critical: bool = False,
                      at: datetime | None = None, subject: str = "件名") -> UUID:
    now = at or utcnow()
    delivery_id, source = new_event_id(), new_event_id()
    async with db.writing() as session:
        session.add(Delivery(
            id=delivery_id, key=delivery_key(source, to, "email", "member_approved"), channel="email",
            template="member_approved", category="membership", critical=critical, source_event_id=source,
            recipient=to, recipient_hash=address_hash(to), locale="ja", subject=subject, body_text="本文",
            body_html="<p>本文</p>", state="queued", attempts=0, next_attempt_at=now, created_at=now, updated_at=now,
            traceparent=TRACEPARENT))
    return delivery_id


async def log_of(db: Database, delivery_id: UUID) -> tuple[Delivery, list[DeliveryAttempt]]:
    async with db.readers() as session:
        delivery = await session.get(Delivery, delivery_id)
        attempts = (await session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery_id)
                                          .order_by(DeliveryAttempt.attempt))).all()
    assert delivery is not None
    return delivery, list(attempts)


