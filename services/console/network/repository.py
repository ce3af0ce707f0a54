"""The network's queries: each member's status as of a cutoff, and small bases registered by then.
The database does the "as of": facts at or after the cutoff never leave it. Nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.models import Member, MemberState, SmallBase
from services.console.network.domain.figures import RELEVANT, MemberAsOf


async def members_as_of(session: AsyncSession, cutoff: datetime) -> list[MemberAsOf]:
    """Every member whose latest state before the cutoff is one a figure reads, with that status.
    Two states at the same instant: the one recorded later wins (an import's history is in order)."""
    latest = (select(MemberState.member_id, MemberState.status,
                     func.row_number().over(partition_by=MemberState.member_id,
                                            order_by=(MemberState.at.desc(), MemberState.id.desc())).label("n"))
              .where(MemberState.at < cutoff).subquery())
    rows = await session.execute(
        select(Member.id, Member.kind, Member.prefecture_code, Member.municipality_code, latest.c.status)
        .join(latest, latest.c.member_id == Member.id)
        .where(latest.c.n == 1, latest.c.status.in_(sorted(RELEVANT))))
    return [MemberAsOf(member_id=member_id, kind=kind, prefecture_code=prefecture, municipality_code=municipality,
                       status=status) for member_id, kind, prefecture, municipality, status in rows]


async def small_bases_by_prefecture(session: AsyncSession, cutoff: datetime) -> dict[str, int]:
    """Small bases registered before the cutoff, per prefecture code."""
    rows = await session.execute(select(SmallBase.prefecture_code, func.count()).where(SmallBase.registered_at < cutoff)
                                 .group_by(SmallBase.prefecture_code))
    return {code: int(n) for code, n in rows}
