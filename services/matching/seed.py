"""Demo data for `make up`: idempotent, so a second start changes nothing. The year in 飛騨市 and
the relay are history and a stage set, not news (see demo.py): bulk-inserted, no events emitted,
nobody mailed, no stage changes announced."""

from __future__ import annotations

from sqlalchemy import insert, select

from kit.db.types import utcnow
from services.matching.bootstrap import MatchingDeps
from services.matching.demo import build_demo
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
                await tx.session.execute(insert(model), rows)
        await tx.commit()
