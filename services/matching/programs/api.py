"""Programs' HTTP API: a member's staff (or an operator) post and manage their own member's
programs; everyone lists and reads the published ones."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from kit.web.openapi import problems
from services.matching.programs import service
from services.matching.programs.domain.rules import Action, ProgramStatus, month_range
from services.matching.programs.domain.skills import SKILLS
from services.matching.programs.schemas import ProgramCreate, ProgramRead, ProgramUpdate, SkillRead
from services.matching.web import Caller, Deps, Limit, MaybeCaller, Offset

router = APIRouter(tags=["programs"])
Month = Annotated[str | None, Query(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$",
                                    description="YYYY-MM: programs with a day in that month")]
PrefectureCode = Annotated[str | None, Query(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$", description="JIS X 0401")]
MunicipalityCode = Annotated[str | None, Query(pattern=r"^\d{6}$", description="全国地方公共団体コード")]
Skill = Annotated[str | None, Query(max_length=40, description="A code from GET /skills")]


@router.get("/skills", response_model=list[SkillRead])
async def list_skills() -> Any:
    """The controlled vocabulary of skills, with labels in Japanese and English."""
    return [SkillRead(code=code, ja=ja, en=en) for code, (ja, en) in SKILLS.items()]


@router.post("/programs", response_model=ProgramRead, status_code=201, responses=problems(401, 403, 404, 409))
async def create_program(body: ProgramCreate, deps: Deps, who: Caller) -> Any:
    """Post a draft program for your member (operators name the member). Its place is a
    municipality of the official list, its coordinates copied from there."""
    return await service.create(uow=deps.uow, actor=who, body=body, base_url=deps.base_url)


@router.get("/programs", response_model=list[ProgramRead])
async def list_programs(deps: Deps, who: MaybeCaller, prefecture: PrefectureCode = None,
                        municipality: MunicipalityCode = None, skill: Skill = None, month: Month = None,
                        online: bool | None = None, member_id: UUID | None = None, status: ProgramStatus | None = None,
                        limit: Limit = 100, offset: Offset = 0) -> Any:
    """Published programs by their first day, filtered by prefecture, municipality, skill, month and
    online; with `member_id`, that member's programs (drafts only to the member and operators)."""
    return await service.listed(uow=deps.uow, viewer=who, status=status, member_id=member_id,
                                prefecture_code=prefecture, municipality_code=municipality, skill=skill,
                                period=month_range(month or ""), online=online, limit=limit, offset=offset,
                                base_url=deps.base_url)


@router.get("/programs/{program_id}", response_model=ProgramRead, responses=problems(404))
async def get_program(program_id: UUID, deps: Deps, who: MaybeCaller) -> Any:
    return await service.detail(uow=deps.uow, viewer=who, program_id=program_id, base_url=deps.base_url)


@router.patch("/programs/{program_id}", response_model=ProgramRead, responses=problems(401, 403, 404, 409))
async def update_program(program_id: UUID, body: ProgramUpdate, deps: Deps, who: Caller) -> Any:
    """Change a draft or published program of your member; the capacity never goes below the
    places taken."""
    return await service.update(uow=deps.uow, actor=who, program_id=program_id, body=body, base_url=deps.base_url)


@router.post("/programs/{program_id}/publish", response_model=ProgramRead, responses=problems(401, 403, 404, 409))
async def publish_program(program_id: UUID, deps: Deps, who: Caller) -> Any:
    """Open a draft to helpers: announced as `matching.program.published.v1`."""
    return await service.move(uow=deps.uow, actor=who, program_id=program_id, action=Action.publish,
                              base_url=deps.base_url)


@router.post("/programs/{program_id}/close", response_model=ProgramRead, responses=problems(401, 404, 409))
async def close_program(program_id: UUID, deps: Deps, who: Caller) -> Any:
    """Stop taking applications: announced as `matching.program.closed.v1`."""
    return await service.move(uow=deps.uow, actor=who, program_id=program_id, action=Action.close,
                              base_url=deps.base_url)


@router.post("/programs/{program_id}/done", response_model=ProgramRead, responses=problems(401, 404, 409))
async def mark_program_done(program_id: UUID, deps: Deps, who: Caller) -> Any:
    """Mark a closed program as having taken place."""
    return await service.move(uow=deps.uow, actor=who, program_id=program_id, action=Action.done,
                              base_url=deps.base_url)
