"""The programs' queries, each as of a day: the database keeps back every fact dated after it and
does the counting, per municipality and in all. Nothing here commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import case, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.models import Participation, Program, RelationStage
from services.console.programs.domain.figures import (
    STAGE_NAMES,
    Participants,
    ProgramTally,
    StageTally,
    TownParticipants,
)


async def programs(session: AsyncSession, cutoff: datetime) -> list[ProgramTally]:
    """Per municipality: programs published before the cutoff, and of them those not closed by then."""
    still_open = or_(Program.closed_at.is_(None), Program.closed_at >= cutoff)
    rows = await session.execute(
        select(Program.municipality_code, func.count(), func.count(case((still_open, 1))))
        .where(Program.published_at < cutoff).group_by(Program.municipality_code))
    return [ProgramTally(municipality_code=code, programs=int(n), open_programs=int(still))
            for code, n, still in rows]


async def participants(session: AsyncSession, day: date) -> tuple[list[TownParticipants], Participants]:
    """Participations dated the day or earlier, people and repeaters: per municipality, and in all."""
    dated = Participation.day <= day
    pairs = (select(Participation.municipality_code, func.count().label("n")).where(dated)
             .group_by(Participation.municipality_code, Participation.helper_id).subquery())
    towns = await session.execute(
        select(pairs.c.municipality_code, func.sum(pairs.c.n), func.count(), func.count(case((pairs.c.n >= 2, 1))))
        .group_by(pairs.c.municipality_code))
    people = select(func.count().label("n")).where(dated).group_by(Participation.helper_id).subquery()
    total, persons, repeaters = (await session.execute(
        select(func.coalesce(func.sum(people.c.n), 0), func.count(), func.count(case((people.c.n >= 2, 1)))))).one()
    return ([TownParticipants(municipality_code=code, participations=int(n), people=int(p), repeaters=int(r))
             for code, n, p, r in towns],
            Participants(participations=int(total), people=int(persons), repeaters=int(repeaters)))


async def stages(session: AsyncSession, day: date) -> list[StageTally]:
    """Per (municipality, stage): relations whose latest change dated the day or earlier is to that stage.
    Changes dated the same day: the deeper stage wins (a relation only ever deepens), then the later row."""
    depth = case({name: rank for rank, name in enumerate(STAGE_NAMES, 1)}, value=RelationStage.stage, else_=0)
    latest = (select(RelationStage.municipality_code, RelationStage.stage,
                     func.row_number().over(
                         partition_by=(RelationStage.helper_id, RelationStage.municipality_code),
                         order_by=(RelationStage.as_of.desc(), depth.desc(), RelationStage.id.desc())).label("n"))
              .where(RelationStage.as_of <= day, RelationStage.stage.in_(STAGE_NAMES)).subquery())
    rows = await session.execute(select(latest.c.municipality_code, latest.c.stage, func.count())
                                 .where(latest.c.n == 1).group_by(latest.c.municipality_code, latest.c.stage))
    return [StageTally(municipality_code=code, stage=stage, relations=int(n)) for code, stage, n in rows]


async def names(session: AsyncSession, codes: Collection[str]) -> dict[str, str]:
    """The names the events gave these municipalities (asked only for codes not on the official list)."""
    if not codes:
        return {}
    named = union_all(*(select(table.municipality_code.label("code"), table.municipality.label("name"))
                        .where(table.municipality_code.in_(sorted(codes))).distinct()
                        for table in (Program, Participation, RelationStage))).subquery()
    rows = await session.execute(select(named.c.code, func.max(named.c.name)).group_by(named.c.code))
    return {code: name for code, name in rows}
