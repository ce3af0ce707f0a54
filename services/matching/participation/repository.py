"""Participation's queries: the dated facts of one relation or one municipality, and the rows they
are kept in. Erased people keep only their pseudonymous id here, so dated counts stay true."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.models import FavouriteRegion, ForumAttendance, Helper, Participation, Program, RelationRole


async def helper(session: AsyncSession, helper_id: UUID) -> Helper | None:
    return await session.get(Helper, helper_id)


async def helper_by_email(session: AsyncSession, email: str) -> Helper | None:
    query = select(Helper).where(Helper.email == email.strip().lower(), Helper.erased_at.is_(None))
    return (await session.scalars(query)).first()


async def participation(session: AsyncSession, helper_id: UUID, activity_id: UUID, day: date) -> Participation | None:
    query = select(Participation).where(Participation.helper_id == helper_id, Participation.activity_id == activity_id,
                                        Participation.day == day)
    return (await session.scalars(query)).first()


async def role(session: AsyncSession, person_id: UUID, municipality_code: str, name: str) -> RelationRole | None:
    return await session.get(RelationRole, (person_id, municipality_code, name))


async def attendance(session: AsyncSession, signup_id: UUID) -> ForumAttendance | None:
    return await session.get(ForumAttendance, signup_id)


async def program(session: AsyncSession, program_id: UUID) -> Program | None:
    return await session.get(Program, program_id)


async def participations(session: AsyncSession, municipality_code: str, *, person_id: UUID | None = None,
                         until: date | None = None) -> list[Participation]:
    query = select(Participation).where(Participation.municipality_code == municipality_code)
    if person_id is not None:
        query = query.where(Participation.helper_id == person_id)
    if until is not None:
        query = query.where(Participation.day <= until)
    return list((await session.scalars(query)).all())


async def roles(session: AsyncSession, municipality_code: str, *, person_id: UUID | None = None,
                until: date | None = None) -> list[RelationRole]:
    query = select(RelationRole).where(RelationRole.municipality_code == municipality_code)
    if person_id is not None:
        query = query.where(RelationRole.person_id == person_id)
    if until is not None:
        query = query.where(RelationRole.day <= until)
    return list((await session.scalars(query)).all())


async def favourites(session: AsyncSession, municipality_code: str, *, person_id: UUID | None = None,
                     before: datetime | None = None) -> list[FavouriteRegion]:
    query = select(FavouriteRegion).where(FavouriteRegion.municipality_code == municipality_code)
    if person_id is not None:
        query = query.where(FavouriteRegion.helper_id == person_id)
    if before is not None:
        query = query.where(FavouriteRegion.registered_at < before)
    return list((await session.scalars(query)).all())


async def published(session: AsyncSession, municipality_code: str, *, before: datetime) -> list[tuple[UUID, datetime]]:
    """(program id, published at) of the programs published there before the instant."""
    rows = await session.execute(select(Program.id, Program.published_at).where(
        Program.municipality_code == municipality_code, Program.published_at.is_not(None),
        Program.published_at < before))
    return [(program_id, at) for program_id, at in rows.all() if at is not None]
