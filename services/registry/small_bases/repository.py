"""Small bases' queries; the figures are counted in SQL. Nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.models import Member, SmallBase


async def bases_of(session: AsyncSession, member_id: UUID) -> Sequence[SmallBase]:
    return (await session.scalars(select(SmallBase).where(SmallBase.member_id == member_id)
                                  .order_by(SmallBase.prefecture_code, SmallBase.name, SmallBase.id))).all()


async def member_kind(session: AsyncSession, member_id: UUID) -> str | None:
    return await session.scalar(select(Member.kind).where(Member.id == member_id))


async def counts(session: AsyncSession) -> tuple[int, int, dict[str, int]]:
    """(all bases, those run by an RMO, bases per prefecture code)."""
    total, run_by_rmo = (await session.execute(
        select(func.count(), func.count(SmallBase.operator_member_id)).select_from(SmallBase))).one()
    rows = (await session.execute(select(SmallBase.prefecture_code, func.count())
                                  .group_by(SmallBase.prefecture_code).order_by(SmallBase.prefecture_code))).all()
    return int(total), int(run_by_rmo), {code: int(n) for code, n in rows}
