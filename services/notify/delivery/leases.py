"""What every leased sender of deliveries shares (the mailer, the webhook sender): which rows are
ready, and how a batch is claimed until its lease runs out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from services.notify.domain.kinds import WAITING, DeliveryState
from services.notify.models import Delivery


def ready(now: datetime) -> ColumnElement[bool]:
    """Waiting deliveries now due, and tries whose lease ran out (their sender died mid-send)."""
    d = Delivery
    return or_(and_(d.state.in_(WAITING), d.next_attempt_at <= now),
               and_(d.state == DeliveryState.sending, d.lease_until <= now))


async def claim(session: AsyncSession, ids: Iterable[UUID], until: datetime) -> None:
    """Mark the batch `sending` until `until`; committed before anything leaves the process."""
    await session.execute(update(Delivery).where(Delivery.id.in_(list(ids)))
                          .values(state=DeliveryState.sending, lease_until=until, updated_at=utcnow()))
