"""The ヒダスケ!-like demo year: the report's figures exactly, in 飛騨市 and 2024, believable, and the
same every time."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from kit.gazetteer import local_government
from services.matching.participation.domain.demo_plan import (
    HIDA,
    KINDS,
    PARTICIPATIONS,
    PROGRAMS,
    DemoPlan,
    build_demo_plan,
)
from services.matching.participation.domain.depth import depth_as_of
from services.matching.participation.domain.facts import Role
from services.matching.participation.domain.stages import Stage, season_of, stages_as_of

YEAR_END = date(2024, 12, 31)


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return build_demo_plan()


def test_the_reports_figures_exactly(plan: DemoPlan) -> None:
    assert (PROGRAMS, PARTICIPATIONS) == (236, 5_806)
    assert sum(kind.count for kind in KINDS) == PROGRAMS
    assert len(plan.programs) == PROGRAMS
    assert len({p.id for p in plan.programs}) == PROGRAMS
    assert len(plan.participations) == PARTICIPATIONS
    assert len({p.key for p in plan.participations}) == PARTICIPATIONS


def test_everything_is_in_hida_city() -> None:
    hida = local_government(HIDA)
    assert hida is not None and hida.full_name == "岐阜県飛騨市"


def test_everything_is_in_hida_in_2024(plan: DemoPlan) -> None:
    assert {p.municipality_code for p in plan.programs} == {HIDA}
    assert {f.municipality_code for f in plan.facts()} == {HIDA}
    days = [d for p in plan.programs for d in (p.published_on, p.held_on)] + [f.on for f in plan.facts()]
    assert all(d.year == 2024 for d in days)
    assert all(p.published_on <= p.held_on for p in plan.programs)
    assert {p.held_on.month for p in plan.programs} == set(range(1, 13))  # spread over the year


def test_the_same_seed_gives_the_same_plan(plan: DemoPlan) -> None:
    assert build_demo_plan() == plan
    other = build_demo_plan(seed=7)
    assert other != plan
    assert (len(other.programs), len(other.participations)) == (PROGRAMS, PARTICIPATIONS)


def test_participations_fit_the_programs(plan: DemoPlan) -> None:
    programs = {p.id: p for p in plan.programs}
    taken = Counter(f.program_id for f in plan.participations)
    assert all(taken[p.id] <= p.capacity for p in plan.programs)
    assert all(f.on == programs[f.program_id].held_on for f in plan.participations)
    # nobody is in two places on one day, nor helps at a program they host
    assert len({(f.person_id, f.on) for f in plan.participations}) == PARTICIPATIONS
    assert not any(programs[f.program_id].host_id == f.person_id for f in plan.participations)


def test_programs_look_like_hidasuke(plan: DemoPlan) -> None:
    titles = " ".join(p.title for p in plan.programs)
    for word in ("雪かき", "祭", "古民家", "森", "田植え", "和紙", "みょうが"):
        assert word in titles
    assert {p.okaeshi for p in plan.programs} >= {"野菜", "地酒", "温泉券"}
    assert len({p.title for p in plan.programs}) == PROGRAMS  # a recurring program is numbered (第2回)
    assert all(p.capacity > 0 for p in plan.programs)
    festival = [p for p in plan.programs if "古川祭" in p.title]
    assert [p.held_on for p in festival] == [date(2024, 4, 19), date(2024, 4, 20)]


def test_people_have_japanese_names(plan: DemoPlan) -> None:
    for person in (*plan.hosts[:5], *plan.helpers[:20]):
        assert " " in person.name
        assert all("\u30a0" <= c <= "\u30ff" or c == " " for c in person.name_kana)  # katakana
        assert 1 <= int(person.home_prefecture) <= 47
    assert {h.home_prefecture for h in plan.hosts} == {"21"}  # hosts live there: 岐阜県


def test_helpers_are_skewed_most_once_a_core_many_times(plan: DemoPlan) -> None:
    visits = Counter(f.person_id for f in plan.participations)
    once = sum(1 for n in visits.values() if n == 1)
    assert once / len(visits) > 0.5
    assert max(visits.values()) >= 20
    assert sum(n for n in visits.values() if n >= 5) / PARTICIPATIONS > 0.3  # the core carries much of the work


def test_some_come_back_across_seasons_and_some_within_one(plan: DemoPlan) -> None:
    seasons: dict[str, set[object]] = {}
    for f in plan.participations:
        seasons.setdefault(f.person_id, set()).add(season_of(f.on))
    visits = Counter(f.person_id for f in plan.participations)
    assert sum(1 for s in seasons.values() if len(s) >= 2) > 100
    assert sum(1 for person, s in seasons.items() if len(s) == 1 and visits[person] >= 2) > 100


def test_some_helpers_become_hosts_after_helping(plan: DemoPlan) -> None:
    assert plan.roles and all(r.role == Role.host for r in plan.roles)
    helper_ids = {h.id for h in plan.helpers}
    hosted = {p.host_id: p for p in plan.programs if p.host_id in helper_ids}
    first_visit = {r.person_id: min(f.on for f in plan.participations if f.person_id == r.person_id)
                   for r in plan.roles}
    for r in plan.roles:
        assert hosted[r.person_id].published_on == r.on
        assert first_visit[r.person_id] < r.on


def test_interest_comes_before_the_first_visit(plan: DemoPlan) -> None:
    first_visit: dict[str, date] = {}
    for f in plan.participations:
        first_visit[f.person_id] = min(f.on, first_visit.get(f.person_id, f.on))
    assert all(i.on <= first_visit[i.person_id] for i in plan.interests if i.person_id in first_visit)
    assert any(i.person_id not in first_visit for i in plan.interests)  # fans who did not come


def test_the_year_end_depth_of_hida(plan: DemoPlan) -> None:
    depth = depth_as_of(plan.facts(), municipality_code=HIDA, as_of=YEAR_END)
    assert (depth.programs, depth.participations) == (PROGRAMS, PARTICIPATIONS)
    assert depth.people == len({f.person_id for f in plan.participations})
    assert depth.repeat_rate is not None and 0.2 < depth.repeat_rate < 0.6
    assert all(depth.funnel.at(stage) > 0 for stage in Stage)
    assert depth.funnel.reached(Stage.collect) == len(plan.helpers)
    assert set(stages_as_of(plan.facts(), YEAR_END).values()) == set(Stage)
