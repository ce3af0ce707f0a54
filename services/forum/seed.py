"""Demo data for `make up`: idempotent, so a second start changes nothing. The gatherings are
history, not news (see demo.py): bulk-inserted, no events emitted, nobody mailed."""

from __future__ import annotations

from sqlalchemy import insert, select

from kit.db.types import utcnow
from services.forum.bootstrap import ForumDeps
from services.forum.demo import build_demo
from services.forum.models import Event, ProgrammeItem, Series, Signup


async def seed(deps: ForumDeps) -> None:
    async with deps.uow() as tx:
        if await tx.session.scalar(select(Event.id).limit(1)) is not None:
            return  # events exist: demo already seeded, or real data
        demo = build_demo(utcnow())
        await tx.session.execute(insert(Series), demo.series)
        await tx.session.execute(insert(Event), demo.events)
        await tx.session.execute(insert(ProgrammeItem), demo.programme)
        await tx.session.execute(insert(Signup), demo.signups)
        await tx.commit()
