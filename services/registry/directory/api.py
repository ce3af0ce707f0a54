"""The public HTTP API, open to anyone: the member directory, the membership figures, and the official
list of local governments (the application form's lookup)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from kit.gazetteer import BLOCKS
from services.registry.directory import service
from services.registry.directory.schemas import DirectoryPage, LocalGovernmentRead, StatsRead
from services.registry.domain.kinds import MemberKind
from services.registry.membership.schemas import MAX_TAGS, TAG_LENGTH
from services.registry.web.deps import Deps

router = APIRouter()
BlockId = Annotated[str | None, Query(pattern="^(" + "|".join(b.block_id for b in BLOCKS) + ")$")]
PrefectureCode = Annotated[str | None, Query(pattern="^[0-9]{2}$")]


@router.get("/directory", response_model=DirectoryPage, tags=["directory"])
async def search_directory(deps: Deps, q: Annotated[str | None, Query(max_length=100)] = None,
                           kind: MemberKind | None = None, block: BlockId = None, prefecture: PrefectureCode = None,
                           tag: list[str] = Query([], max_length=MAX_TAGS),
                           offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
                           limit: Annotated[int, Query(ge=1, le=100)] = 20) -> DirectoryPage:
    """Active members who chose to be listed, filtered by every criterion given, in reading order."""
    return await service.search_directory(uow=deps.uow, gazetteer=deps.gazetteer, q=q,
                                          kind=kind.value if kind else None, block=block,
                                          prefecture_code=prefecture, tags=[t[:TAG_LENGTH] for t in tag],
                                          offset=offset, limit=limit)


@router.get("/stats", response_model=StatsRead, tags=["figures"])
async def membership_stats(deps: Deps, as_of: date) -> StatsRead:
    """Counts of members at the end of `as_of` (JST), replayed from the membership history.

    `as_of` runs from 2016-01-01 to today in Japan; other days are a 422 naming the field."""
    return await service.membership_stats(uow=deps.uow, as_of=as_of)


@router.get("/local-governments/{code}", response_model=LocalGovernmentRead, tags=["local governments"])
async def local_government(code: str, deps: Deps) -> LocalGovernmentRead:
    """One local government by its 6-digit code (422 if malformed, 404 if not in the official list)."""
    return LocalGovernmentRead.of(deps.gazetteer.lookup(code[:50], field="code"))


@router.get("/local-governments", response_model=list[LocalGovernmentRead], tags=["local governments"])
async def search_local_governments(deps: Deps, q: Annotated[str, Query(min_length=1, max_length=50)],
                                   limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[LocalGovernmentRead]:
    """Partial match on name or reading, best first."""
    return [LocalGovernmentRead.of(lg) for lg in deps.gazetteer.search(q, limit=limit)]
