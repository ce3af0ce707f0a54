"""Demo data for `make up`: idempotent, so a second start changes nothing. The year in 飛騨市 and
the relay are history and a stage set, not news (see demo.py): bulk-inserted, nobody mailed.

Read models (the operators' console) still need the facts, so the seeding transaction emits them:
`matching.program.imported.v1` per program, `matching.participation.imported.v1` per participation
and `matching.relation.stage_changed.v1` per step of each relation's stages, as the participation
domain computes them from the demo's dated facts. Only read models consume these; notify, which
thanks and mails, listens to none of them (`*.published`, `*.recorded` are the news)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from kit.contracts.matching import ParticipationImported, ProgramImported
from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWork
from services.matching.bootstrap import MatchingDeps
from services.matching.demo import Demo, build_demo
from services.matching.models import (
    Application,
    FavouriteRegion,
    Helper,
    Member,
    Participation,
    Program,
    ProgramSkill,
    RelationRole,
    Round,
    RoundProgram,
    RoundWish,
)
from services.matching.participation.domain.facts import Source
from services.matching.participation.domain.stages import stage_history
from services.matching.participation.service import full_name, stage_changed, told_source
from services.matching.programs import repository as programs
from services.matching.programs.service import facts


async def seed(deps: MatchingDeps) -> None:
    async with deps.uow() as tx:
        if await tx.session.scalar(select(Program.id).limit(1)) is not None:
            return  # programs exist: demo already seeded, or real data
        demo = build_demo(utcnow())
        known = set((await tx.session.scalars(select(Member.id).where(
            Member.id.in_([m["id"] for m in demo.members])))).all())
        # Parents before the rows that refer to them.
        for model, rows in ((Member, [m for m in demo.members if m["id"] not in known]), (Program, demo.programs),
                            (ProgramSkill, demo.skills), (Helper, demo.helpers), (FavouriteRegion, demo.favourites),
                            (Application, demo.applications), (Participation, demo.participations),
                            (RelationRole, demo.roles), (Round, demo.rounds), (RoundProgram, demo.round_programs),
                            (RoundWish, demo.wishes)):
            if rows:
                await tx.session.execute(insert(model).execution_options(render_nulls=True), rows)
        await _imported(tx, demo, deps.base_url)
        await tx.commit()  # the outbox rows go in one multi-row INSERT (OutboxWriter.insert)


async def _imported(tx: UnitOfWork, demo: Demo, base_url: str) -> None:
    """The demo's facts for read models, dated as the demo dates them."""
    # The programs as stored, so the events say what the program events always say (programs.service.facts).
    stored = (await tx.session.scalars(select(Program).order_by(Program.published_at, Program.id))).all()
    skills = await programs.skills_of(tx.session, [p.id for p in stored])
    for program in stored:
        at = program.published_at or program.created_at
        tx.emit(ProgramImported(**facts(program, skills[program.id], base_url, at), status=program.status,
                                closed_at=program.closed_at))
    for row in demo.participations:
        tx.emit(_participation(row))
    for change, fact in stage_history(demo.facts):
        tx.emit(stage_changed(change, fact, demo.facts[fact]))


def _participation(row: dict[str, Any]) -> ParticipationImported:
    code = row["municipality_code"]
    return ParticipationImported(
        participation_id=row["id"], helper_id=row["helper_id"], municipality_code=code, municipality=full_name(code),
        prefecture_code=code[:2], on=row["day"], source=told_source(Source(row["source"])),
        program_id=row["program_id"], at=row["created_at"])
