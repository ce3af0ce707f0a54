"""The programs' "as of" is the database's: for every day, the figures the use case reads equal a
brute-force recount of the same dated facts, on SQLite and PostgreSQL. Programs are published and
closed on the edges of days in JST, relations change stage several times a day, and facts dated
after a day change nothing as of that day."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from uuid import UUID, uuid4

import pytest

from kit.db.engine import Database
from kit.gazetteer import local_governments
from kit.jst import JST
from services.console.domain.as_of import cutoff
from services.console.models import Participation, Program, RelationStage
from services.console.programs import service
from services.console.programs.domain.figures import (
    STAGE_NAMES,
    Participants,
    ProgramTally,
    StageTally,
    TownParticipants,
    programs,
)
from services.console.programs.schemas import ProgramFigures
from tests.support.console import uow_for, write

LGS = local_governments()
FIRST, LAST = date(2026, 10, 28), date(2026, 11, 4)
DAYS = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
TOWNS = {"212172": "岐阜県飛騨市", "322091": "島根県雲南市", "999999": "架空県架空町"}  # the last is off the list
HELPERS = [UUID(int=n) for n in range(1, 13)]


def some_day(rng: random.Random, first: date = FIRST, last: date = LAST) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def instant(rng: random.Random, first: date = FIRST, last: date = LAST) -> datetime:
    start = datetime.combine(some_day(rng, first, last), time(0), tzinfo=JST)
    return start + rng.choice([timedelta(0), timedelta(days=1, microseconds=-1), timedelta(hours=rng.randrange(24))])


def facts(rng: random.Random, first: date = FIRST, last: date = LAST
          ) -> tuple[list[Program], list[Participation], list[RelationStage]]:
    made_programs = []
    for _ in range(15):
        published = instant(rng, first, last)
        closed = rng.choice([None, published + timedelta(days=rng.randrange(3)), instant(rng, first, last)])
        made_programs.append(program(rng.choice(list(TOWNS)), published,
                                     closed if closed is None or closed >= published else None))
    made_participations = [
        Participation(id=uuid4(), helper_id=rng.choice(HELPERS), municipality_code=(code := rng.choice(list(TOWNS))),
                      municipality=TOWNS[code], prefecture_code=code[:2], day=some_day(rng, first, last),
                      source="host", program_id=None) for _ in range(60)]
    made_stages = [
        RelationStage(helper_id=rng.choice(HELPERS), municipality_code=(code := rng.choice(list(TOWNS))),
                      municipality=TOWNS[code], stage=rng.choice([*STAGE_NAMES, "lapsed"]),
                      as_of=some_day(rng, first, last)) for _ in range(50)]
    return made_programs, made_participations, made_stages


def program(code: str, published: datetime, closed: datetime | None = None) -> Program:
    return Program(id=uuid4(), member_id=uuid4(), title="森の手入れ", municipality_code=code, municipality=TOWNS[code],
                   prefecture_code=code[:2], capacity=5, starts_on=FIRST, ends_on=LAST, published_at=published,
                   facts_at=published, closed_at=closed)


def recount(found: tuple[list[Program], list[Participation], list[RelationStage]], day: date) -> ProgramFigures:
    """Brute force over the dated facts, then the same pure figures."""
    made_programs, made_participations, made_stages = found
    until = cutoff(day)
    published = [p for p in made_programs if p.published_at < until]
    per_town = Counter(p.municipality_code for p in published)
    still_open = Counter(p.municipality_code for p in published if p.closed_at is None or p.closed_at >= until)
    tallies = [ProgramTally(code, n, still_open[code]) for code, n in per_town.items()]
    dated = [p for p in made_participations if p.day <= day]
    visits = Counter((p.municipality_code, p.helper_id) for p in dated)
    per_person = Counter(p.helper_id for p in dated)
    towns: dict[str, list[int]] = defaultdict(list)
    for (code, _), n in visits.items():
        towns[code].append(n)
    latest: dict[tuple[UUID, str], RelationStage] = {}
    for s in made_stages:
        if s.as_of <= day and s.stage in STAGE_NAMES:
            pair = (s.helper_id, s.municipality_code)
            rank = (s.as_of, STAGE_NAMES.index(s.stage), s.id)
            if pair not in latest or rank > (latest[pair].as_of, STAGE_NAMES.index(latest[pair].stage),
                                             latest[pair].id):
                latest[pair] = s
    at_stage: dict[tuple[str, str], int] = defaultdict(int)
    for s in latest.values():
        at_stage[(s.municipality_code, s.stage)] += 1
    return ProgramFigures.model_validate(programs(
        as_of=day, cutoff=until, tallies=tallies,
        participants=[TownParticipants(participations=sum(seen), people=len(seen),
                                       repeaters=sum(1 for n in seen if n >= 2), municipality_code=code)
                      for code, seen in towns.items()],
        everyone=Participants(participations=len(dated), people=len(per_person),
                              repeaters=sum(1 for n in per_person.values() if n >= 2)),
        stages=[StageTally(code, stage, n) for (code, stage), n in at_stage.items()],
        names={code: name for code, name in TOWNS.items() if code not in LGS}, lgs=LGS))


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_days_figures_equal_a_brute_force_recount(console_db: Database, seed: int) -> None:
    rng = random.Random(seed)
    found = facts(rng)
    await write(console_db, [row for rows in found for row in rows])
    uow = uow_for(console_db)
    before = {}
    for day in DAYS:
        before[day] = await service.figures(uow=uow, as_of=day)
        assert before[day] == recount(found, day), day
    assert any(row.name == "架空県架空町" for row in before[LAST].by_municipality)

    later = facts(rng, LAST + timedelta(days=1), LAST + timedelta(days=4))
    edge = program("212172", cutoff(LAST))  # published the first instant after the last day
    await write(console_db, [*(row for rows in later for row in rows), edge])
    assert {day: await service.figures(uow=uow, as_of=day) for day in DAYS} == before
    after = LAST + timedelta(days=4)
    both = (found[0] + later[0] + [edge], found[1] + later[1], found[2] + later[2])
    assert await service.figures(uow=uow, as_of=after) == recount(both, after)


async def test_a_program_closed_later_still_counts_as_published_and_is_open_until_then(console_db: Database) -> None:
    day = date(2026, 11, 1)
    await write(console_db, [program("212172", cutoff(day) - timedelta(hours=1),
                                     cutoff(day + timedelta(days=1)) - timedelta(microseconds=1))])
    uow = uow_for(console_db)
    assert [((f := await service.figures(uow=uow, as_of=d)).programs, f.open_programs)
            for d in (day - timedelta(days=1), day, day + timedelta(days=1))] == [(0, 0), (1, 1), (1, 0)]
