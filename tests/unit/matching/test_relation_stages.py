"""Relation stages (集める → 深める → つなげる), rule by rule; they never go backwards in time, and
as-of figures depend only on the facts dated on or before the day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.matching.participation.domain.depth import depth_as_of
from services.matching.participation.domain.facts import (
    Fact,
    Interest,
    InterestKind,
    Participation,
    ProgramPublished,
    Relation,
    Role,
    RoleTaken,
    Source,
)
from services.matching.participation.domain.stages import (
    Season,
    SeasonName,
    Stage,
    StageChange,
    season_of,
    stage_changes,
    stage_of,
    stages_as_of,
)

HIDA, SAPPORO = "212172", "011002"
ME = Relation("p1", HIDA)
LATER = date(2030, 1, 1)


def interest(on: date, kind: InterestKind = InterestKind.registered, person: str = "p1",
             municipality: str = HIDA) -> Interest:
    return Interest(person_id=person, municipality_code=municipality, on=on, kind=kind)


def took_part(on: date, program: str = "prog", person: str = "p1", municipality: str = HIDA,
              source: Source = Source.host_confirmed) -> Participation:
    return Participation(person_id=person, municipality_code=municipality, on=on, program_id=program, source=source)


def role(on: date, kind: Role = Role.host, person: str = "p1", municipality: str = HIDA) -> RoleTaken:
    return RoleTaken(person_id=person, municipality_code=municipality, on=on, role=kind)


def stage(facts: Sequence[Fact], as_of: date = LATER) -> Stage | None:
    return stage_of(facts, ME, as_of)


# --- seasons -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "season"), [
    (date(2024, 2, 29), Season(2023, SeasonName.winter)),
    (date(2024, 3, 1), Season(2024, SeasonName.spring)),
    (date(2024, 5, 31), Season(2024, SeasonName.spring)),
    (date(2024, 6, 1), Season(2024, SeasonName.summer)),
    (date(2024, 8, 31), Season(2024, SeasonName.summer)),
    (date(2024, 9, 1), Season(2024, SeasonName.autumn)),
    (date(2024, 11, 30), Season(2024, SeasonName.autumn)),
    (date(2024, 12, 1), Season(2024, SeasonName.winter)),
    (date(2025, 1, 1), Season(2024, SeasonName.winter)),
])
def test_seasons_are_meteorological_and_a_winter_spans_new_year(day: date, season: Season) -> None:
    assert season_of(day) == season


def test_season_and_stage_names() -> None:
    assert [s.ja for s in SeasonName] == ["春", "夏", "秋", "冬"]
    assert [s.ja for s in Stage] == ["集める", "深める", "つなげる"]
    assert Stage.collect < Stage.deepen < Stage.connect


# --- the rules, case by case -----------------------------------------------------------------

def test_no_fact_no_relation() -> None:
    assert stage([]) is None
    assert stage([ProgramPublished(program_id="prog", municipality_code=HIDA, on=date(2024, 5, 1))]) is None


@pytest.mark.parametrize("kind", list(InterestKind))
def test_registered_or_interested_is_collect(kind: InterestKind) -> None:
    assert stage([interest(date(2024, 5, 1), kind)]) == Stage.collect


@pytest.mark.parametrize("source", list(Source))
def test_taking_part_is_deepen_even_without_registering(source: Source) -> None:
    assert stage([took_part(date(2024, 5, 1), source=source)]) == Stage.deepen
    assert stage([interest(date(2024, 4, 1)), took_part(date(2024, 5, 1), source=source)]) == Stage.deepen


def test_coming_back_within_one_season_stays_deepen() -> None:
    spring = [took_part(date(2024, 3, 2), "a"), took_part(date(2024, 4, 6), "b"), took_part(date(2024, 5, 31), "c")]
    assert stage(spring) == Stage.deepen
    one_winter = [took_part(date(2024, 12, 7), "snow"), took_part(date(2025, 2, 8), "snow")]
    assert stage(one_winter) == Stage.deepen


def test_coming_back_in_another_season_is_connect() -> None:
    assert stage([took_part(date(2024, 5, 31), "a"), took_part(date(2024, 6, 1), "b")]) == Stage.connect


def test_the_next_winter_is_another_season() -> None:
    assert stage([took_part(date(2024, 1, 13), "snow"), took_part(date(2024, 12, 14), "snow")]) == Stage.connect


@pytest.mark.parametrize("kind", list(Role))
def test_taking_a_role_is_connect_even_without_taking_part(kind: Role) -> None:
    assert stage([role(date(2024, 5, 1), kind)]) == Stage.connect


def test_only_the_persons_own_facts_in_that_municipality_count() -> None:
    facts: list[Fact] = [took_part(date(2024, 5, 1)), took_part(date(2024, 8, 1), municipality=SAPPORO),
                         took_part(date(2024, 8, 1), person="p2"), role(date(2024, 8, 1), person="p2")]
    assert stage(facts) == Stage.deepen
    assert stage_of(facts, Relation("p1", SAPPORO), LATER) == Stage.deepen
    assert stage_of(facts, Relation("p2", HIDA), LATER) == Stage.connect
    assert stages_as_of(facts, LATER) == {ME: Stage.deepen, Relation("p1", SAPPORO): Stage.deepen,
                                          Relation("p2", HIDA): Stage.connect}


def test_facts_after_the_as_of_day_do_not_count() -> None:
    facts: list[Fact] = [interest(date(2024, 2, 1)), took_part(date(2024, 3, 1), "a"), took_part(date(2024, 6, 1), "b")]
    assert stage(facts, date(2024, 1, 31)) is None
    assert stage(facts, date(2024, 2, 1)) == Stage.collect
    assert stage(facts, date(2024, 3, 1)) == Stage.deepen
    assert stage(facts, date(2024, 5, 31)) == Stage.deepen
    assert stage(facts, date(2024, 6, 1)) == Stage.connect
    assert stages_as_of(facts, date(2024, 1, 31)) == {}


# --- stage changes (for matching.relation.stage_changed.v1) ----------------------------------

def test_a_first_fact_starts_a_relation() -> None:
    assert stage_changes([], interest(date(2024, 2, 1))) == [StageChange(ME, None, Stage.collect, date(2024, 2, 1))]


def test_a_first_role_goes_straight_to_connect() -> None:
    assert stage_changes([], role(date(2024, 2, 1))) == [StageChange(ME, None, Stage.connect, date(2024, 2, 1))]


def test_each_step_up_is_one_change() -> None:
    facts: list[Fact] = [interest(date(2024, 2, 1))]
    assert stage_changes(facts, took_part(date(2024, 3, 1), "a")) == [
        StageChange(ME, Stage.collect, Stage.deepen, date(2024, 3, 1))]
    facts.append(took_part(date(2024, 3, 1), "a"))
    assert stage_changes(facts, took_part(date(2024, 4, 1), "b")) == []  # back, but the same season
    assert stage_changes(facts, took_part(date(2024, 7, 1), "b")) == [
        StageChange(ME, Stage.deepen, Stage.connect, date(2024, 7, 1))]


def test_no_change_without_a_step_up() -> None:
    facts: list[Fact] = [role(date(2024, 2, 1))]
    assert stage_changes(facts, took_part(date(2024, 3, 1))) == []
    assert stage_changes([took_part(date(2024, 3, 1))], took_part(date(2024, 3, 1))) == []  # the same visit again
    assert stage_changes([took_part(date(2024, 3, 1), source=Source.host_confirmed)],
                         took_part(date(2024, 3, 1), source=Source.forum_checkin)) == []
    assert stage_changes(facts, ProgramPublished(program_id="prog", municipality_code=HIDA, on=date(2024, 3, 1))) == []


def test_other_relations_facts_do_not_change_mine() -> None:
    others: list[Fact] = [took_part(date(2024, 3, 1), person="p2"), took_part(date(2024, 7, 1), municipality=SAPPORO)]
    assert stage_changes(others, took_part(date(2024, 8, 1))) == [StageChange(ME, None, Stage.deepen, date(2024, 8, 1))]


def test_a_fact_about_the_past_dates_the_change_when_the_stage_was_first_reached() -> None:
    # A host confirms a spring visit late: with the summer visit already known, the relation
    # stands at つなげる from the summer visit's day, not the spring one's.
    change = stage_changes([took_part(date(2024, 7, 1), "b")], took_part(date(2024, 4, 1), "a"))
    assert change == [StageChange(ME, Stage.deepen, Stage.connect, date(2024, 7, 1))]


# --- properties --------------------------------------------------------------------------------

FIRST, LAST = date(2023, 11, 1), date(2025, 3, 31)  # crosses every season boundary at least once
days = st.dates(min_value=FIRST, max_value=LAST)
people = st.sampled_from(["p1", "p2"])
places = st.sampled_from([HIDA, SAPPORO])
programs = st.sampled_from(["a", "b", "c"])
facts_strategy: st.SearchStrategy[Fact] = st.one_of(
    st.builds(Interest, person_id=people, municipality_code=places, on=days, kind=st.sampled_from(InterestKind)),
    st.builds(Participation, person_id=people, municipality_code=places, on=days, program_id=programs,
              source=st.sampled_from(Source)),
    st.builds(RoleTaken, person_id=people, municipality_code=places, on=days, role=st.sampled_from(Role)),
    st.builds(ProgramPublished, program_id=programs, municipality_code=places, on=days),
)
fact_lists = st.lists(facts_strategy, max_size=12)


def rank(value: Stage | None) -> int:
    return 0 if value is None else int(value)


@given(fact_lists, days, days, people, places)
def test_stages_never_go_backwards_in_time(facts: list[Fact], d1: date, d2: date, person: str, place: str) -> None:
    earlier, later = sorted((d1, d2))
    relation = Relation(person, place)
    assert rank(stage_of(facts, relation, earlier)) <= rank(stage_of(facts, relation, later))


@given(fact_lists, fact_lists, days)
def test_facts_dated_after_a_day_change_nothing_as_of_that_day(facts: list[Fact], extra: list[Fact],
                                                                as_of: date) -> None:
    later = [f for f in extra if f.on > as_of]
    assert stages_as_of([*facts, *later], as_of) == stages_as_of(facts, as_of)
    for place in (HIDA, SAPPORO):
        assert (depth_as_of([*later, *facts], municipality_code=place, as_of=as_of)
                == depth_as_of(facts, municipality_code=place, as_of=as_of))


@given(fact_lists, facts_strategy)
def test_a_change_is_reported_exactly_when_the_stage_moves(facts: list[Fact], new: Fact) -> None:
    changes = stage_changes(facts, new)
    if isinstance(new, ProgramPublished):
        assert changes == []
        return
    relation = new.relation
    before, after = stage_of(facts, relation, LAST), stage_of([*facts, new], relation, LAST)
    if before == after:
        assert changes == []
        return
    [change] = changes
    assert (change.relation, change.before, change.after) == (relation, before, after)
    # change.on is the first day the relation stands at its new stage
    assert stage_of([*facts, new], relation, change.on) == after
    assert rank(stage_of([*facts, new], relation, change.on - timedelta(days=1))) < rank(after)
