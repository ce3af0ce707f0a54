"""The public directory: active members who opted in, searchable and filterable."""

from __future__ import annotations

from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.registry import repository as repo
from services.registry.domain.local_government import Gazetteer
from services.registry.schemas import DirectoryEntry, DirectoryPage


async def search_directory(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, q: str | None = None,
                           kind: str | None = None, block: str | None = None, prefecture_code: str | None = None,
                           tags: list[str] | None = None, offset: int = 0, limit: int = 20) -> DirectoryPage:
    async with uow.read() as session:
        found = await repo.members(session, q=q, kind=kind, block=block, prefecture_code=prefecture_code,
                                   directory_only=True)
    # Tags are JSON, which the two databases query differently; the directory is a few
    # thousand rows at most, so the tag filter and paging happen here.
    wanted = {t.strip() for t in tags or [] if t.strip()}
    matching = [m for m in found if wanted <= set(m.activity_tags or [])]
    prefectures = {lg.prefecture_code: lg.prefecture for lg in gazetteer if lg.kind == "prefecture"}
    items = [DirectoryEntry.model_validate(m).model_copy(
        update={"prefecture": prefectures.get(m.prefecture_code or "")}) for m in matching[offset:offset + limit]]
    return DirectoryPage(items=items, total=len(matching), offset=offset, limit=limit)
