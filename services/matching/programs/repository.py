"""Programs' queries, with the posting member's name from matching's copy of the members."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.models import Member, Program, ProgramSkill
from services.matching.programs.domain.rules import ProgramStatus


async def get(session: AsyncSession, program_id: UUID, *, lock: bool = False) -> Program | None:
    """`lock`: until the transaction ends, so its seat counters cannot move under a change
    (FOR UPDATE on PostgreSQL; SQLite's one writer already excludes the others)."""
    return await session.get(Program, program_id, with_for_update=lock or None)


async def member(session: AsyncSession, member_id: UUID) -> Member | None:
    return await session.get(Member, member_id)


async def member_names(session: AsyncSession, member_ids: Collection[UUID]) -> dict[UUID, str]:
    if not member_ids:
        return {}
    rows = await session.execute(select(Member.id, Member.name).where(Member.id.in_(list(member_ids))))
    return {member_id: name for member_id, name in rows.all()}


async def skills_of(session: AsyncSession, program_ids: Collection[UUID]) -> dict[UUID, list[ProgramSkill]]:
    """Each program's skills, in name order."""
    found: dict[UUID, list[ProgramSkill]] = defaultdict(list)
    if program_ids:
        query = (select(ProgramSkill).where(ProgramSkill.program_id.in_(list(program_ids)))
                 .order_by(ProgramSkill.program_id, ProgramSkill.skill))
        for skill in (await session.scalars(query)).all():
            found[skill.program_id].append(skill)
    return found


async def replace_skills(session: AsyncSession, program_id: UUID, *, required: Sequence[str],
                         optional: Sequence[str]) -> None:
    await session.execute(delete(ProgramSkill).where(ProgramSkill.program_id == program_id))
    session.add_all([ProgramSkill(program_id=program_id, skill=s, required=True) for s in required]
                    + [ProgramSkill(program_id=program_id, skill=s, required=False) for s in optional])


async def listed(session: AsyncSession, *, statuses: Collection[str], drafts_of: UUID | None, all_drafts: bool,
                 member_id: UUID | None, prefecture_code: str | None, municipality_code: str | None,
                 skill: str | None, start: date | None, end: date | None, online: bool | None, limit: int,
                 offset: int) -> list[Program]:
    """Programs by start, filtered in SQL. Drafts among `statuses` are shown only to operators
    (`all_drafts`) and to their own member (`drafts_of`). `start`/`end`: the period [start, end)
    a program's days must overlap."""
    query = select(Program).where(Program.status.in_(list(statuses)))
    if ProgramStatus.draft in statuses and not all_drafts:
        query = query.where(or_(Program.status != ProgramStatus.draft, Program.member_id == drafts_of))
    if member_id:
        query = query.where(Program.member_id == member_id)
    if prefecture_code:
        query = query.where(Program.prefecture_code == prefecture_code)
    if municipality_code:
        query = query.where(Program.municipality_code == municipality_code)
    if skill:
        query = query.where(exists().where(ProgramSkill.program_id == Program.id, ProgramSkill.skill == skill))
    if start:
        query = query.where(Program.ends_on >= start)
    if end:
        query = query.where(Program.starts_on < end)
    if online is not None:
        query = query.where(Program.online == online)
    query = query.order_by(Program.starts_on, Program.id).limit(limit).offset(offset)
    return list((await session.scalars(query)).all())
