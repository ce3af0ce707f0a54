"""Rounds' queries: the round (locked while it runs), its programs and rankings, people's lists and
what the run needs about them, and the placements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.models import (
    Application,
    FavouriteRegion,
    Helper,
    Program,
    Round,
    RoundPlacement,
    RoundProgram,
    RoundWish,
)


async def get(session: AsyncSession, round_id: UUID, *, lock: bool = False) -> Round | None:
    """`lock`: until the run commits, so a second run (another replica, a double click) waits and
    then sees the round done (FOR UPDATE on PostgreSQL; SQLite's one writer already excludes it)."""
    query = select(Round).where(Round.id == round_id).execution_options(populate_existing=True)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def listed(session: AsyncSession, *, limit: int, offset: int) -> list[Round]:
    query = select(Round).order_by(Round.created_at.desc(), Round.id).limit(limit).offset(offset)
    return list((await session.scalars(query)).all())


async def programs(session: AsyncSession, round_id: UUID) -> list[tuple[RoundProgram, Program]]:
    """The round's programs with their hosts' rankings, by first day."""
    query = (select(RoundProgram, Program).join(Program, Program.id == RoundProgram.program_id)
             .where(RoundProgram.round_id == round_id).order_by(Program.starts_on, Program.id))
    return [(entry, program) for entry, program in (await session.execute(query)).all()]


async def entry(session: AsyncSession, round_id: UUID, program_id: UUID) -> tuple[RoundProgram, Program] | None:
    query = (select(RoundProgram, Program).join(Program, Program.id == RoundProgram.program_id)
             .where(RoundProgram.round_id == round_id, RoundProgram.program_id == program_id))
    row = (await session.execute(query)).first()
    return (row[0], row[1]) if row else None


async def published(session: AsyncSession, program_ids: Collection[UUID]) -> list[Program]:
    query = select(Program).where(Program.id.in_(list(program_ids)), Program.status == "published")
    return list((await session.scalars(query)).all())


async def wish(session: AsyncSession, round_id: UUID, helper_id: UUID) -> RoundWish | None:
    return await session.get(RoundWish, (round_id, helper_id), populate_existing=True)


async def wishes(session: AsyncSession, round_id: UUID) -> list[tuple[RoundWish, Helper]]:
    """Every list of people not erased, by person id (the instance must not depend on timing)."""
    query = (select(RoundWish, Helper).join(Helper, Helper.id == RoundWish.helper_id)
             .where(RoundWish.round_id == round_id, Helper.erased_at.is_(None)).order_by(RoundWish.helper_id))
    return [(w, h) for w, h in (await session.execute(query)).all()]


async def wish_counts(session: AsyncSession, round_ids: Collection[UUID]) -> dict[UUID, int]:
    if not round_ids:
        return {}
    query = (select(RoundWish.round_id, func.count()).where(RoundWish.round_id.in_(list(round_ids)))
             .group_by(RoundWish.round_id))
    return {round_id: int(n) for round_id, n in (await session.execute(query)).all()}


async def favourites(session: AsyncSession, helper_ids: Collection[UUID]) -> dict[UUID, set[str]]:
    found: dict[UUID, set[str]] = defaultdict(set)
    if helper_ids:
        query = select(FavouriteRegion.helper_id, FavouriteRegion.municipality_code).where(
            FavouriteRegion.helper_id.in_(list(helper_ids)))
        for helper_id, code in (await session.execute(query)).all():
            found[helper_id].add(code)
    return found


async def applications(session: AsyncSession, program_ids: Collection[UUID]) -> dict[tuple[UUID, UUID], Application]:
    """(helper id, program id) → the person's application there, for the round's programs."""
    if not program_ids:
        return {}
    query = select(Application).where(Application.program_id.in_(list(program_ids)))
    return {(a.helper_id, a.program_id): a for a in (await session.scalars(query)).all()}


async def placements(session: AsyncSession, round_id: UUID, *, helper_id: UUID | None = None,
                     program_id: UUID | None = None) -> list[RoundPlacement]:
    query = select(RoundPlacement).where(RoundPlacement.round_id == round_id)
    if helper_id is not None:
        query = query.where(RoundPlacement.helper_id == helper_id)
    if program_id is not None:
        query = query.where(RoundPlacement.program_id == program_id)
    return list((await session.scalars(query.order_by(RoundPlacement.stage, RoundPlacement.program_id))).all())


async def helpers(session: AsyncSession, helper_ids: Collection[UUID]) -> dict[UUID, Helper]:
    if not helper_ids:
        return {}
    rows = await session.scalars(select(Helper).where(Helper.id.in_(list(helper_ids))))
    return {h.id: h for h in rows.all()}
