"""Recommendations' queries: the published catalogue and its fingerprint, helpers' facts (their
favourite regions and past participations), and scouts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable
from datetime import date
from uuid import UUID

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.models import FavouriteRegion, Helper, Participation, Program, Scout
from services.matching.programs.domain.rules import ProgramStatus


def _open(today: date) -> ColumnElement[bool]:
    """What "for you" offers: published programs not yet over."""
    return and_(Program.status == ProgramStatus.published, Program.ends_on >= today)


async def catalogue_version(session: AsyncSession, today: date) -> Hashable:
    """Changes whenever what the program index holds may have: a program published, closed,
    edited (its `updated_at`), or its places taken or given back; and with the day."""
    taken = Program.confirmed + Program.held
    full = case((taken >= Program.capacity - Program.reserved, 1), else_=0)
    row = (await session.execute(select(func.count(), func.max(Program.updated_at), func.sum(taken),
                                        func.sum(full)).where(_open(today)))).one()
    return (today, *tuple(row))


async def open_programs(session: AsyncSession, today: date) -> list[Program]:
    return list((await session.scalars(select(Program).where(_open(today)).order_by(Program.id))).all())


async def programs(session: AsyncSession, program_ids: Collection[UUID]) -> dict[UUID, Program]:
    if not program_ids:
        return {}
    found = await session.scalars(select(Program).where(Program.id.in_(list(program_ids))))
    return {p.id: p for p in found.all()}


async def helper(session: AsyncSession, helper_id: UUID, *, lock: bool = False) -> Helper | None:
    """`lock`: so consent cannot be withdrawn while a scout to the person is being sent."""
    return await session.get(Helper, helper_id, with_for_update=lock or None)


async def scoutable(session: AsyncSession) -> list[Helper]:
    """People who consented to be scouted and have neither withdrawn it nor been erased."""
    query = select(Helper).where(Helper.scout_consent.is_(True), Helper.erased_at.is_(None)).order_by(Helper.id)
    return list((await session.scalars(query)).all())


async def favourites(session: AsyncSession, helper_ids: Collection[UUID]) -> dict[UUID, frozenset[str]]:
    found: dict[UUID, set[str]] = defaultdict(set)
    if helper_ids:
        rows = await session.execute(select(FavouriteRegion.helper_id, FavouriteRegion.municipality_code)
                                     .where(FavouriteRegion.helper_id.in_(list(helper_ids))))
        for helper_id, code in rows.all():
            found[helper_id].add(code)
    return {helper_id: frozenset(codes) for helper_id, codes in found.items()}


async def past_relations(session: AsyncSession, helper_ids: Collection[UUID]) -> dict[UUID, Counter[str]]:
    """Each person's participations per municipality (network-level ones belong to none)."""
    found: dict[UUID, Counter[str]] = defaultdict(Counter)
    if helper_ids:
        rows = await session.execute(
            select(Participation.helper_id, Participation.municipality_code, func.count())
            .where(Participation.helper_id.in_(list(helper_ids)), Participation.municipality_code.is_not(None))
            .group_by(Participation.helper_id, Participation.municipality_code))
        for helper_id, code, n in rows.all():
            found[helper_id][str(code)] = int(n)
    return found


async def scouted(session: AsyncSession, program_id: UUID) -> set[UUID]:
    """The people already scouted for the program."""
    return set((await session.scalars(select(Scout.helper_id).where(Scout.program_id == program_id))).all())


async def scout(session: AsyncSession, program_id: UUID, helper_id: UUID) -> Scout | None:
    query = select(Scout).where(Scout.program_id == program_id, Scout.helper_id == helper_id)
    return (await session.scalars(query)).first()


async def blank_scouts(session: AsyncSession, email: str) -> None:
    """Empty the message and reasons of the scouts sent to the person with this address (erasure):
    the reasons described them (their skills, where they live)."""
    people = select(Helper.id).where(Helper.email == email).scalar_subquery()
    await session.execute(update(Scout).where(Scout.helper_id.in_(people)).values(message="", reasons=[])
                          .execution_options(synchronize_session=False))
