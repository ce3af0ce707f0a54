"""The notifications dashboard's queries. The delivery log grows with every message, so only the
facts the figures can depend on are read: each delivery's latest fact before the cutoff, every
fact of the window, and the latest failures; and the suppressions dated before the cutoff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Exists, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.console.models import DeliveryState, Suppression
from services.console.notifications.domain.figures import FAILURES, DeliveryFact, Suppressed

_d = DeliveryState


def _facts() -> Select[*tuple[Any, ...]]:
    return select(_d.delivery_id, _d.channel, _d.template, _d.state, _d.at, _d.id, _d.reason, _d.trace_id)


async def _read(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> list[DeliveryFact]:
    return [DeliveryFact(delivery_id=r.delivery_id, channel=r.channel, template=r.template, state=r.state, at=r.at,
                         seq=r.id, reason=r.reason, trace_id=r.trace_id) for r in await session.execute(query)]


def _newer(cutoff: datetime, *states: str) -> Exists:
    """A later fact of the same delivery before the cutoff (of one of `states`, if given)."""
    later = aliased(DeliveryState)
    found = exists().where(later.delivery_id == _d.delivery_id, later.at < cutoff,
                           or_(later.at > _d.at, and_(later.at == _d.at, later.id > _d.id)))
    return found.where(later.state.in_(states)) if states else found


async def latest_facts(session: AsyncSession, cutoff: datetime) -> list[DeliveryFact]:
    """Each delivery's latest fact before the cutoff (ties: the one recorded last)."""
    return await _read(session, _facts().where(_d.at < cutoff, ~_newer(cutoff)))


async def facts_between(session: AsyncSession, since: datetime, cutoff: datetime) -> list[DeliveryFact]:
    """Every fact dated in [since, cutoff)."""
    return await _read(session, _facts().where(_d.at >= since, _d.at < cutoff))


async def failures(session: AsyncSession, cutoff: datetime, limit: int) -> list[DeliveryFact]:
    """The latest `limit` deliveries that failed or bounced before the cutoff, each by its latest failure."""
    query = (_facts().where(_d.at < cutoff, _d.state.in_(FAILURES), ~_newer(cutoff, *FAILURES))
             .order_by(_d.at.desc(), _d.id.desc()).limit(limit))
    return await _read(session, query)


async def suppressions(session: AsyncSession, cutoff: datetime) -> list[Suppressed]:
    """Addresses suppressed before the cutoff."""
    query = select(Suppression.address_hash, Suppression.at).where(Suppression.at < cutoff)
    return [Suppressed(address_hash=r.address_hash, at=r.at) for r in await session.execute(query)]
