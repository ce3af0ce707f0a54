"""The figures' query: members as of a cutoff, counted by kind and place, all in SQL.

Each member's latest history row before the cutoff is found with a window function (SQLite
and PostgreSQL both have them), so neither the history nor the members are loaded to count.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.models import Member, MemberHistory


async def members_as_of(session: AsyncSession, cutoff: datetime,
                        counted: Collection[str]) -> Sequence[tuple[str, str | None, str | None, int]]:
    """(kind, block, prefecture code, members) of those whose latest status before `cutoff` is in `counted`."""
    latest = (
        select(MemberHistory.member_id, MemberHistory.to_status,
               func.row_number().over(partition_by=MemberHistory.member_id,
                                      order_by=(MemberHistory.at.desc(), MemberHistory.id.desc())).label("nth"))
        .where(MemberHistory.at < cutoff)
        .subquery()
    )
    rows = await session.execute(
        select(Member.kind, Member.block, Member.prefecture_code, func.count())
        .join(latest, latest.c.member_id == Member.id)
        .where(latest.c.nth == 1, latest.c.to_status.in_(list(counted)))
        .group_by(Member.kind, Member.block, Member.prefecture_code)
    )
    return [(kind, block, prefecture, int(n)) for kind, block, prefecture, n in rows.all()]
