"""As-of membership figures, and the 小さな拠点 figures beside the national ones."""

from __future__ import annotations

from collections import Counter
from datetime import date

from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.registry import repository as repo
from services.registry.domain.as_of import end_of_day_jst, members_at
from services.registry.domain.kinds import MemberKind
from services.registry.domain.lg_code import BLOCKS
from services.registry.schemas import StatsRead

LG_KINDS = {MemberKind.prefecture.value, MemberKind.municipality.value}


async def membership_stats(*, uow: UnitOfWorkFactory, as_of: date) -> StatsRead:
    cutoff = end_of_day_jst(as_of)
    async with uow.read() as session:
        counted = members_at(await repo.history_until(session, cutoff))
        rows = await repo.kinds_and_places(session, counted)
    kinds = Counter(kind for kind, _, _ in rows)
    blocks = Counter(block for _, block, _ in rows if block)
    prefectures = Counter(pc for _, _, pc in rows if pc)
    local = sum(n for kind, n in kinds.items() if kind in LG_KINDS)
    return StatsRead(
        as_of=as_of, cutoff=cutoff, total=len(rows), local_governments=local, organizations=len(rows) - local,
        by_kind={k.value: kinds.get(k.value, 0) for k in MemberKind},
        by_block={b.block_id: blocks.get(b.block_id, 0) for b in BLOCKS},
        by_prefecture=dict(sorted(prefectures.items())),
    )
