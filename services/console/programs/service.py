"""The programs' use case: their figures as of a day (today in JST when none), as an answer and as CSV."""

from __future__ import annotations

from datetime import date, datetime

from kit.db.types import utcnow
from kit.gazetteer import local_governments
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.console.domain import csv
from services.console.domain.as_of import resolve
from services.console.programs import repository as repo
from services.console.programs.domain import export
from services.console.programs.domain.figures import Programs, programs
from services.console.programs.schemas import ProgramFigures


async def _programs(uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None) -> Programs:
    day, until = resolve(as_of, now or utcnow())
    lgs = local_governments()
    async with uow.read() as session:
        tallies = await repo.programs(session, until)
        towns, everyone = await repo.participants(session, day)
        stages = await repo.stages(session, day)
        codes = {*(t.municipality_code for t in tallies), *(t.municipality_code for t in towns),
                 *(s.municipality_code for s in stages)}
        names = await repo.names(session, codes - lgs.keys())  # only for codes the official list lacks
    return programs(as_of=day, cutoff=until, tallies=tallies, participants=towns, everyone=everyone, stages=stages,
                    names=names, lgs=lgs)


async def figures(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None) -> ProgramFigures:
    """Programs, participations, people and repeat rate, in all and per municipality, and the funnel."""
    return ProgramFigures.model_validate(await _programs(uow, as_of, now))


async def figures_csv(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None,
                      locale: str = "ja") -> tuple[date, bytes]:
    """(the day, the CSV): totals, the funnel, every municipality, the reference; in `locale`."""
    return csv.dated(await _programs(uow, as_of, now), export.programs_csv, locale)
