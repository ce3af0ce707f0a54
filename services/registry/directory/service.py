"""The public directory (active members who opted in) and the membership figures as of a day."""

from __future__ import annotations

from collections import Counter
from datetime import date

from kit.db.types import utcnow
from kit.gazetteer import BLOCKS
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.registry.directory import repository as repo
from services.registry.directory.domain.as_of import MEMBER_STATUSES, check_as_of, end_of_day_jst, today_jst
from services.registry.directory.schemas import DirectoryEntry, DirectoryPage, StatsRead
from services.registry.domain.kinds import MemberKind
from services.registry.domain.local_government import Gazetteer
from services.registry.membership.repository import MemberFilter, member_page

LG_KINDS = frozenset({MemberKind.prefecture.value, MemberKind.municipality.value})


async def search_directory(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, q: str | None = None,
                           kind: str | None = None, block: str | None = None, prefecture_code: str | None = None,
                           tags: list[str] | None = None, offset: int = 0, limit: int = 20) -> DirectoryPage:
    """One page of listed members matching every filter given, in reading order, with the total."""
    wanted = MemberFilter(q=q, kind=kind, block=block, prefecture_code=prefecture_code, tags=tuple(tags or ()),
                          directory_only=True)
    async with uow.read() as session:
        found, total = await member_page(session, wanted, offset=offset, limit=limit)
    prefectures = {lg.prefecture_code: lg.prefecture for lg in gazetteer if lg.kind == "prefecture"}
    items = [DirectoryEntry.model_validate(m).model_copy(
        update={"prefecture": prefectures.get(m.prefecture_code or "")}) for m in found]
    return DirectoryPage(items=items, total=total, offset=offset, limit=limit)


async def membership_stats(*, uow: UnitOfWorkFactory, as_of: date) -> StatsRead:
    """Counts of members at the end of `as_of` (JST); 422 on `as_of` for a day outside the supported range."""
    check_as_of(as_of, today_jst(utcnow()))
    cutoff = end_of_day_jst(as_of)
    async with uow.read() as session:
        rows = await repo.members_as_of(session, cutoff, MEMBER_STATUSES)
    kinds, blocks, prefectures = Counter[str](), Counter[str](), Counter[str]()
    for kind, block, prefecture, n in rows:
        kinds[kind] += n
        if block:
            blocks[block] += n
        if prefecture:
            prefectures[prefecture] += n
    total = sum(kinds.values())
    local = sum(n for kind, n in kinds.items() if kind in LG_KINDS)
    return StatsRead(
        as_of=as_of, cutoff=cutoff, total=total, local_governments=local, organizations=total - local,
        by_kind={k.value: kinds.get(k.value, 0) for k in MemberKind},
        by_block={b.block_id: blocks.get(b.block_id, 0) for b in BLOCKS},
        by_prefecture=dict(sorted(prefectures.items())),
    )
