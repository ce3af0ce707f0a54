"""The gatherings dashboard's queries: the gatherings published before a cutoff, and every signup
fact dated before it (a signup has a few; the figures need each signup's first and latest, and its
check-in), read as plain rows for the domain to count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.gatherings.domain.figures import Gathering, SignupFact
from services.console.models import Gathering as GatheringRow
from services.console.models import SignupState


async def gatherings(session: AsyncSession, cutoff: datetime) -> list[Gathering]:
    """Every gathering published before the cutoff, as last published."""
    g = GatheringRow
    query = select(g.id, g.kind, g.title, g.starts_at, g.ends_at, g.capacity, g.online, g.venue, g.published_at,
                   g.cancelled_at).where(g.published_at < cutoff)
    return [Gathering(id=r.id, kind=r.kind, title=r.title, starts_at=r.starts_at, ends_at=r.ends_at,
                      capacity=r.capacity, online=r.online, venue=r.venue, published_at=r.published_at,
                      cancelled_at=r.cancelled_at) for r in await session.execute(query)]


async def signup_facts(session: AsyncSession, cutoff: datetime) -> list[SignupFact]:
    """Every signup fact dated before the cutoff."""
    s = SignupState
    query = select(s.signup_id, s.event_id, s.status, s.at, s.id).where(s.at < cutoff)
    return [SignupFact(signup_id=r.signup_id, event_id=r.event_id, status=r.status, at=r.at, seq=r.id)
            for r in await session.execute(query)]
