"""Webhooks' queries: endpoints, their recent deliveries, and the sender's bookkeeping."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.domain.kinds import WAITING, Channel, DeliveryState
from services.notify.models import Delivery, WebhookEndpoint


async def endpoints_of(session: AsyncSession, member_id: UUID) -> list[WebhookEndpoint]:
    query = (select(WebhookEndpoint).where(WebhookEndpoint.member_id == member_id)
             .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id))
    return list((await session.scalars(query)).all())


async def count_endpoints(session: AsyncSession, member_id: UUID) -> int:
    query = select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.member_id == member_id)
    return int((await session.execute(query)).scalar_one())


async def endpoint_of(session: AsyncSession, member_id: UUID, endpoint_id: UUID) -> WebhookEndpoint | None:
    """The member's endpoint; another member's is as absent as a missing one."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id,
                                          WebhookEndpoint.member_id == member_id)
    return (await session.scalars(query)).one_or_none()


async def endpoints_by_id(session: AsyncSession, ids: Collection[UUID]) -> dict[UUID, WebhookEndpoint]:
    if not ids:
        return {}
    found = await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.id.in_(list(ids))))
    return {e.id: e for e in found.all()}


async def enabled_endpoints(session: AsyncSession, member_id: UUID) -> list[WebhookEndpoint]:
    query = (select(WebhookEndpoint).where(WebhookEndpoint.member_id == member_id, WebhookEndpoint.enabled)
             .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id))
    return list((await session.scalars(query)).all())


async def recent_deliveries(session: AsyncSession, endpoint_ids: Collection[UUID],
                            per_endpoint: int) -> dict[UUID, list[Delivery]]:
    """The newest `per_endpoint` deliveries of each endpoint, in one query (a window function)."""
    found: dict[UUID, list[Delivery]] = {e: [] for e in endpoint_ids}
    if not endpoint_ids:
        return found
    rank = func.row_number().over(partition_by=Delivery.endpoint_id,
                                  order_by=(Delivery.created_at.desc(), Delivery.id.desc())).label("rank")
    ranked = (select(Delivery.id, rank)
              .where(Delivery.channel == Channel.webhook, Delivery.endpoint_id.in_(list(endpoint_ids)))
              .subquery())
    query = (select(Delivery).join(ranked, ranked.c.id == Delivery.id).where(ranked.c.rank <= per_endpoint)
             .order_by(Delivery.created_at.desc(), Delivery.id.desc()))
    for delivery in (await session.scalars(query)).all():
        if delivery.endpoint_id is not None:
            found[delivery.endpoint_id].append(delivery)
    return found


async def existing_keys(session: AsyncSession, keys: Collection[str]) -> set[str]:
    if not keys:
        return set()
    return set((await session.scalars(select(Delivery.key).where(Delivery.key.in_(list(keys))))).all())


async def suppress_waiting(session: AsyncSession, endpoint_id: UUID, reason: str, now: datetime) -> int:
    """Mark what still waits for an endpoint as not sent on purpose (it was disabled or deleted).
    A try in flight elsewhere settles on its own and finds the endpoint off."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.endpoint_id == endpoint_id, Delivery.channel == Channel.webhook,
               Delivery.state.in_(list(WAITING)))
        .values(state=DeliveryState.suppressed, reason=reason, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def last_success_at(session: AsyncSession, endpoint_id: UUID) -> datetime | None:
    query = select(func.max(Delivery.sent_at)).where(
        Delivery.endpoint_id == endpoint_id, Delivery.channel == Channel.webhook,
        Delivery.state == DeliveryState.sent)
    value: datetime | None = (await session.execute(query)).scalar_one_or_none()
    return value
