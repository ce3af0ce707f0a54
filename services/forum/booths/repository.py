"""Booths' queries, with the member's name from forum's copy of the members."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Booth, Event, Member


async def event(session: AsyncSession, event_id: UUID) -> Event | None:
    return await session.get(Event, event_id)


async def member(session: AsyncSession, member_id: UUID) -> Member | None:
    return await session.get(Member, member_id)


async def get(session: AsyncSession, booth_id: UUID) -> Booth | None:
    return await session.get(Booth, booth_id)


async def of_member(session: AsyncSession, event_id: UUID, member_id: UUID) -> Booth | None:
    return await session.scalar(select(Booth).where(Booth.event_id == event_id, Booth.member_id == member_id))


async def listed(session: AsyncSession, event_id: UUID, *, statuses: Collection[str] | None,
                 also_member: UUID | None = None) -> list[tuple[Booth, str | None]]:
    """(booth, member name) of an event, oldest application first: those in `statuses` (all if
    None), plus every booth of `also_member` (a member sees its own application)."""
    query = (select(Booth, Member.name).outerjoin(Member, Member.id == Booth.member_id)
             .where(Booth.event_id == event_id).order_by(Booth.created_at, Booth.id))
    if statuses is not None:
        shown = Booth.status.in_(list(statuses))
        query = query.where(shown | (Booth.member_id == also_member) if also_member else shown)
    return [(booth, name) for booth, name in (await session.execute(query)).all()]
