"""The network's "as of" is the database's: for every day, the figures the use cases read equal a
brute-force recount of the same dated facts, on SQLite and PostgreSQL. Facts sit on the edges of
days in JST (the first and the last microsecond), several states of a member share an instant, and
facts dated after a day change nothing as of that day."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from uuid import UUID, uuid4

import pytest

from kit.db.engine import Database
from kit.gazetteer import local_governments
from kit.jst import JST
from services.console.domain.as_of import cutoff
from services.console.models import Member, MemberState, SmallBase
from services.console.network import repository, service
from services.console.network.domain.figures import RELEVANT, MemberAsOf, network, small_bases
from services.console.network.domain.places import prefectures
from services.console.network.schemas import NetworkFigures, SmallBaseFigures
from tests.support.console import uow_for, write

LGS = local_governments()
PREFECTURES = prefectures(LGS)
FIRST, LAST = date(2026, 3, 28), date(2026, 4, 4)
DAYS = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
STATUSES = ["draft", "submitted", "returned", "approved", "rejected", "active", "suspended", "withdrawn"]
HOMES = [("municipality", "21", "212172"), ("prefecture", "21", "210005"), ("municipality", "01", "011002"),
         ("company", "13", None), ("npo", None, None), ("intermediary", "32", None), ("rmo", "47", "472018"),
         ("university", "13", None), ("cooperative", "40", None)]


def instant(rng: random.Random, first: date, last: date) -> datetime:
    """A moment of a day in the range, often on the very edge of the day in JST."""
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    start = datetime.combine(day, time(0), tzinfo=JST)
    offset = rng.choice([timedelta(0), timedelta(days=1, microseconds=-1), timedelta(hours=rng.randrange(24))])
    return start + offset


def states_of(rng: random.Random, member_id: UUID, first: date, last: date) -> list[MemberState]:
    chosen = [MemberState(member_id=member_id, status=rng.choice(STATUSES), at=instant(rng, first, last))
              for _ in range(rng.randrange(1, 5))]
    if rng.random() < 0.3:  # an import's history: several steps at one instant, the later one wins
        at = instant(rng, first, last)
        chosen += [MemberState(member_id=member_id, status=status, at=at) for status in rng.sample(STATUSES, 3)]
    return chosen


def recount(members: list[Member], states: list[MemberState], day: date) -> list[MemberAsOf]:
    """Brute force: each member's latest state before the day's end, by (time, id)."""
    until, found = cutoff(day), []
    for m in members:
        mine = [s for s in states if s.member_id == m.id and s.at < until]
        if mine:
            latest = max(mine, key=lambda s: (s.at, s.id))
            if latest.status in RELEVANT:
                found.append(MemberAsOf(m.id, m.kind, m.prefecture_code, m.municipality_code, latest.status))
    return found


def key(rows: list[MemberAsOf]) -> list[tuple[str, str]]:
    return sorted((str(r.member_id), r.status) for r in rows)


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_days_figures_equal_a_brute_force_recount(console_db: Database, seed: int) -> None:
    rng = random.Random(seed)
    members = [Member(id=uuid4(), name=f"会員{n}", kind=kind, prefecture_code=prefecture, municipality_code=code)
               for n, (kind, prefecture, code) in enumerate(rng.choice(HOMES) for _ in range(60))]
    states = [s for m in members for s in states_of(rng, m.id, FIRST, LAST)]
    bases = [SmallBase(id=uuid4(), member_id=members[0].id, name=f"拠点{n}", municipality_code=code,
                       prefecture_code=code[:2], opened_on=None, registered_at=instant(rng, FIRST, LAST))
             for n, code in enumerate(rng.choice(["212172", "011002", "322091", "472018"]) for _ in range(25))]
    await write(console_db, [*members, *states, *bases])
    uow = uow_for(console_db)

    async def check() -> None:
        for day in DAYS:
            expected = recount(members, states, day)
            async with uow.read() as session:
                assert key(await repository.members_as_of(session, cutoff(day))) == key(expected), day
            assert await service.figures(uow=uow, as_of=day) == NetworkFigures.model_validate(
                network(expected, as_of=day, cutoff=cutoff(day), prefectures=PREFECTURES, lgs=LGS)), day
            registered: dict[str, int] = {}
            for b in bases:
                if b.registered_at < cutoff(day):
                    registered[b.prefecture_code] = registered.get(b.prefecture_code, 0) + 1
            assert await service.small_base_figures(uow=uow, as_of=day) == SmallBaseFigures.model_validate(
                small_bases(registered, as_of=day, cutoff=cutoff(day), prefectures=PREFECTURES)), day

    await check()
    before = {day: await service.figures(uow=uow, as_of=day) for day in DAYS}
    # facts dated after the last day, even its very next microsecond, count for none of them
    later = [s for m in members for s in states_of(rng, m.id, LAST + timedelta(days=1), LAST + timedelta(days=3))]
    later.append(MemberState(member_id=members[0].id, status="withdrawn", at=cutoff(LAST)))
    await write(console_db, later)
    assert {day: await service.figures(uow=uow, as_of=day) for day in DAYS} == before
    states += later
    await check()


async def test_today_is_the_default_day_in_japan(console_db: Database) -> None:
    member_id = uuid4()
    # 2026-04-01 23:30 JST is still 2026-04-01 in Japan, while it is 14:30 UTC that day
    joined = datetime(2026, 4, 1, 23, 30, tzinfo=JST)
    await write(console_db, [Member(id=member_id, name="飛騨市", kind="municipality", prefecture_code="21",
                                    municipality_code="212172"),
                             MemberState(member_id=member_id, status="active", at=joined)])
    uow = uow_for(console_db)
    now = datetime(2026, 4, 1, 23, 45, tzinfo=JST)
    found = await service.figures(uow=uow, as_of=None, now=now)
    assert (found.as_of, found.members, found.cutoff) == (date(2026, 4, 1), 1, cutoff(date(2026, 4, 1)))
    assert (await service.figures(uow=uow, as_of=date(2026, 3, 31), now=now)).members == 0
