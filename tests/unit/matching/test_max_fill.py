"""Max fill: as many placed as any feasible matching can, the best ranks among those, never fewer than the
stable round, and the blocking pairs it creates are in the report."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import UNMATCHED, parse_instance
from services.matching.rounds.domain.max_fill import max_fill
from services.matching.rounds.domain.quality import infeasibilities, quality_report
from tests.unit.matching.strategies import feasible_matchings, instances


def placed(assignment: dict[str, str | None]) -> int:
    return sum(h is not None for h in assignment.values())


def rank_cost(data: dict[str, Any], assignment: dict[str, str | None]) -> int:
    return sum(data["people"][p].index(h) for p, h in assignment.items() if h is not None)


@settings(max_examples=150, deadline=None)
@given(instances(max_people=5, max_programs=3, max_capacity=2))
def test_places_as_many_as_possible_with_the_best_ranks_among_those(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    matching = max_fill(instance)
    assert infeasibilities(instance, matching) == []
    got = instance.named(matching)
    every = list(feasible_matchings(data))
    most = max(placed(m) for m in every)
    assert placed(got) == most
    assert rank_cost(data, got) == min(rank_cost(data, m) for m in every if placed(m) == most)


@settings(max_examples=150, deadline=None)
@given(instances(max_people=12, max_programs=6, max_capacity=3))
def test_never_places_fewer_than_the_stable_round(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    filled = max_fill(instance)
    assert infeasibilities(instance, filled) == []
    stable = deferred_acceptance(instance)
    assert sum(h != UNMATCHED for h in filled) >= sum(h != UNMATCHED for h in stable)


def test_filling_a_seat_can_cost_stability_and_the_report_says_so() -> None:
    data = {
        "people": {"a": ["x", "y"], "b": ["x"]},
        "programs": {"x": {"capacity": 1, "preferences": ["a", "b"]}, "y": {"capacity": 1, "preferences": ["a"]}},
    }
    instance = parse_instance(data)
    stable = deferred_acceptance(instance)
    assert instance.named(stable) == {"a": "x", "b": None}  # y stays empty
    filled = max_fill(instance)
    assert instance.named(filled) == {"a": "y", "b": "x"}
    report = quality_report(instance, filled, mode="max-fill")
    assert (report.mode, report.matched, report.fill_rate) == ("max-fill", 2, 1.0)
    assert report.blocking_pairs == (("a", "x"),)  # a would rather have x, and x would rather have a
    assert quality_report(instance, stable).blocking_pairs == ()


def test_an_empty_instance() -> None:
    assert max_fill(parse_instance({"people": {}, "programs": {}})) == ()
    assert max_fill(parse_instance({"people": {"a": []}, "programs": {}})) == (UNMATCHED,)
