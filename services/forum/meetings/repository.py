"""Meetings' queries."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.meetings.domain.slots import OPEN, MeetingStatus
from services.forum.models import Event, Meeting, Member, Signup
from services.forum.signups.domain.rules import SignupStatus


async def event(session: AsyncSession, event_id: UUID) -> Event | None:
    return await session.get(Event, event_id)


async def attendee(session: AsyncSession, event_id: UUID, member_id: UUID, *, email: str | None = None
                   ) -> Signup | None:
    """A confirmed signup of the member at the event: the caller's own if there is one."""
    query = (select(Signup).where(Signup.event_id == event_id, Signup.member_id == member_id,
                                  Signup.status == SignupStatus.confirmed)
             .order_by((func.lower(Signup.email) == (email or "").lower()).desc(), Signup.created_at).limit(1))
    return await session.scalar(query)


async def attending(session: AsyncSession, event_id: UUID) -> list[tuple[UUID, str]]:
    """The organizations with a confirmed attendee, by name."""
    found = await _named(session, event_id, Signup.status == SignupStatus.confirmed)
    return sorted(found.items(), key=lambda r: (r[1], str(r[0])))


async def names(session: AsyncSession, event_id: UUID, member_ids: Iterable[UUID]) -> dict[UUID, str]:
    return await _named(session, event_id, Signup.member_id.in_(set(member_ids)))


async def _named(session: AsyncSession, event_id: UUID, *where: ColumnElement[bool]) -> dict[UUID, str]:
    """Members signed up here, named by forum's copy of the member, else by what their
    attendees typed as affiliation."""
    query = (select(Signup.member_id, func.coalesce(func.max(Member.name), func.max(Signup.affiliation)))
             .outerjoin(Member, Member.id == Signup.member_id)
             .where(Signup.event_id == event_id, Signup.member_id.is_not(None), *where)
             .group_by(Signup.member_id))
    return {row[0]: str(row[1] or "") for row in (await session.execute(query)).all() if row[0] is not None}


async def meeting(session: AsyncSession, meeting_id: UUID, *, lock: bool = False) -> Meeting | None:
    query = select(Meeting).where(Meeting.id == meeting_id).execution_options(populate_existing=True)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def open_between(session: AsyncSession, event_id: UUID, a: UUID, b: UUID) -> Meeting | None:
    """A request or booking between the two organizations, either way round."""
    pair = or_(and_(Meeting.requester_member_id == a, Meeting.invitee_member_id == b),
               and_(Meeting.requester_member_id == b, Meeting.invitee_member_id == a))
    return await session.scalar(select(Meeting).where(Meeting.event_id == event_id, Meeting.status.in_(OPEN), pair)
                                .limit(1))


async def busy(session: AsyncSession, event_id: UUID, members: Iterable[UUID]) -> list[datetime]:
    """The slots booked for any of `members`, on either side of a meeting."""
    ids = list(members)
    query = select(Meeting.slot_starts_at).where(
        Meeting.event_id == event_id, Meeting.status == MeetingStatus.booked, Meeting.slot_starts_at.is_not(None),
        or_(Meeting.requester_member_id.in_(ids), Meeting.invitee_member_id.in_(ids)))
    return [at for at in (await session.scalars(query)).all() if at is not None]


async def of_member(session: AsyncSession, event_id: UUID, member_id: UUID) -> list[Meeting]:
    query = (select(Meeting).where(Meeting.event_id == event_id, or_(Meeting.requester_member_id == member_id,
                                                                     Meeting.invitee_member_id == member_id))
             .order_by(Meeting.slot_starts_at.is_(None), Meeting.slot_starts_at, Meeting.created_at))
    return list((await session.scalars(query)).all())


async def lock_members(session: AsyncSession, event_id: UUID, members: Iterable[UUID]) -> None:
    """Take turns per organization at this event until the transaction ends, so two bookings
    involving the same organization never choose a slot at the same time. The unique
    constraints cover an organization on the same side of two meetings; this also covers it
    as requester in one and invitee in the other. PostgreSQL: advisory locks, always in the
    same order (no deadlock); SQLite: its single writer already takes turns."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for member_id in sorted(set(members), key=str):
        digest = hashlib.sha256(f"forum.meetings:{event_id}:{member_id}".encode()).digest()
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                              {"key": int.from_bytes(digest[:8], "big", signed=True)})
