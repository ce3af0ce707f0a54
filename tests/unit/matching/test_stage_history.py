"""A relation's stage history from facts recorded all at once (the demo's import): the steps
`stage_changes` tells when the facts arrive one by one in date order, each with the fact that made
it; on any day the history stands where `stage_of` says; the demo year's history ends at its
funnel; and the import's events reach only read models."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kakawari import catalog
from kit.contracts.matching import ParticipationImported, ProgramImported, RelationStageChanged
from services.matching.participation.domain.demo_plan import HIDA, DemoPlan, build_demo_plan
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
from services.matching.participation.domain.stages import Stage, StageChange, stage_history, stage_of

ME = Relation("p1", HIDA)
YEAR_END = date(2024, 12, 31)


def took_part(on: date, program: str = "a", person: str = "p1") -> Participation:
    return Participation(person_id=person, municipality_code=HIDA, on=on, program_id=program,
                         source=Source.host_confirmed)


def test_each_step_with_the_fact_that_made_it_in_date_order() -> None:
    registered = Interest(person_id="p1", municipality_code=HIDA, on=date(2024, 2, 1), kind=InterestKind.registered)
    spring, again, summer = took_part(date(2024, 3, 2)), took_part(date(2024, 4, 6), "b"), took_part(date(2024, 7, 6))
    hosted = RoleTaken(person_id="p1", municipality_code=HIDA, on=date(2024, 9, 1), role=Role.host)
    published = ProgramPublished(program_id="a", municipality_code=HIDA, on=date(2024, 1, 5))
    # Given in any order: the history follows the dates.
    assert stage_history([hosted, summer, published, again, spring, registered]) == [
        (StageChange(ME, None, Stage.collect, date(2024, 2, 1)), registered),
        (StageChange(ME, Stage.collect, Stage.deepen, date(2024, 3, 2)), spring),
        (StageChange(ME, Stage.deepen, Stage.connect, date(2024, 7, 6)), summer),
    ]


def test_a_days_facts_step_in_the_order_given() -> None:
    day = date(2024, 2, 1)
    registered = Interest(person_id="p1", municipality_code=HIDA, on=day, kind=InterestKind.favourite)
    came = took_part(day)
    assert [change.after for change, _ in stage_history([registered, came])] == [Stage.collect, Stage.deepen]
    assert [change.after for change, _ in stage_history([came, registered])] == [Stage.deepen]


days = st.dates(min_value=date(2023, 11, 1), max_value=date(2025, 3, 31))
facts_strategy: st.SearchStrategy[Fact] = st.one_of(
    st.builds(Interest, person_id=st.sampled_from(["p1", "p2"]), municipality_code=st.just(HIDA), on=days,
              kind=st.sampled_from(InterestKind)),
    st.builds(Participation, person_id=st.sampled_from(["p1", "p2"]), municipality_code=st.just(HIDA), on=days,
              program_id=st.sampled_from(["a", "b"]), source=st.sampled_from(Source)),
    st.builds(RoleTaken, person_id=st.sampled_from(["p1", "p2"]), municipality_code=st.just(HIDA), on=days,
              role=st.sampled_from(Role)),
)


def assert_history_matches_stages(facts: Sequence[Fact], history: list[tuple[StageChange, Fact]],
                                  checked: Sequence[date]) -> None:
    """Each relation's steps chain and climb, and on every checked day stand where `stage_of` says."""
    steps: dict[Relation, list[StageChange]] = {}
    for change, fact in history:
        assert not isinstance(fact, ProgramPublished) and fact.relation == change.relation
        own = steps.setdefault(change.relation, [])
        assert change.before == (own[-1].after if own else None)
        assert change.before is None or change.before < change.after
        own.append(change)
    by_relation: dict[Relation, list[Fact]] = {}
    for fact in facts:
        if not isinstance(fact, ProgramPublished):
            by_relation.setdefault(fact.relation, []).append(fact)
    assert set(steps) == set(by_relation)  # every relation has a history
    for relation, own in steps.items():
        for day in checked:
            reached = [c.after for c in own if c.on <= day]
            assert (reached[-1] if reached else None) == stage_of(by_relation[relation], relation, day), (relation, day)


@given(st.lists(facts_strategy, max_size=12))
def test_on_every_day_the_history_stands_where_the_rules_say(facts: list[Fact]) -> None:
    first = date(2023, 10, 31)
    assert_history_matches_stages(facts, stage_history(facts), [first + timedelta(days=n) for n in range(0, 520, 7)])


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return build_demo_plan()


def test_the_demo_years_history_ends_at_its_funnel(plan: DemoPlan) -> None:
    facts = plan.facts()
    history = stage_history(facts)
    assert_history_matches_stages(facts, history, [date(2024, m, 1) for m in range(1, 13)] + [YEAR_END])
    final = {change.relation: change.after for change, _ in history}
    funnel = depth_as_of(facts, municipality_code=HIDA, as_of=YEAR_END).funnel
    assert Counter(final.values()) == {s: funnel.at(s) for s in Stage}
    assert len(final) == len(plan.helpers)  # every helper and fan has a relation; the resident hosts none


@pytest.mark.parametrize("contract", [ProgramImported, ParticipationImported, RelationStageChanged])
def test_the_imports_events_reach_only_the_console(contract: type) -> None:
    """The demo's history must not mail, thank or match anyone: only read models listen."""
    listening = {name for name in catalog.SERVICE_NAMES
                 if any(sub.contract is contract for sub in catalog.load(name).handlers.subscriptions)}
    assert listening == {"console"}
