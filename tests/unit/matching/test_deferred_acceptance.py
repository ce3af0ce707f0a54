"""Deferred acceptance: the `matching` package's resident-optimal stable matching on random instances, no
blocking pairs, capacities respected, person-optimal among every stable matching, and hand-made cases."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.matching import generate_instance, reference_assignment
from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import parse_instance
from services.matching.rounds.domain.quality import blocking_pairs, infeasibilities
from tests.unit.matching.strategies import feasible_matchings, instances, naive_blocking_pairs


def allocate(data: dict[str, Any]) -> dict[str, str | None]:
    instance = parse_instance(data)
    return instance.named(deferred_acceptance(instance))


@settings(max_examples=300, deadline=None)
@given(instances(max_people=12, max_programs=6))
def test_equals_the_matching_packages_resident_optimal_result(data: dict[str, Any]) -> None:
    assert allocate(data) == reference_assignment(data)


@settings(max_examples=300, deadline=None)
@given(instances(max_people=12, max_programs=6, max_capacity=4))
def test_is_stable_and_respects_capacities(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    matching = deferred_acceptance(instance)
    assert infeasibilities(instance, matching) == []
    assert blocking_pairs(instance, matching) == []
    assignment = instance.named(matching)
    assert naive_blocking_pairs(data, assignment) == set()
    for program, spec in data["programs"].items():
        assert sum(1 for h in assignment.values() if h == program) <= spec["capacity"]


@settings(max_examples=150, deadline=None)
@given(instances(max_people=5, max_programs=3, max_capacity=2))
def test_every_person_gets_their_best_stable_partner(data: dict[str, Any]) -> None:
    got = allocate(data)
    stable = [m for m in feasible_matchings(data) if not naive_blocking_pairs(data, m)]
    assert got in stable
    for other in stable:
        for person, wishes in data["people"].items():
            if other[person] is not None:
                assert got[person] is not None and wishes.index(got[person]) <= wishes.index(other[person])


@settings(max_examples=50, deadline=None)
@given(instances(max_people=10, max_programs=5), st.randoms(use_true_random=False))
def test_the_order_of_the_file_does_not_matter(data: dict[str, Any], rng: random.Random) -> None:
    people = list(data["people"].items())
    programs = list(data["programs"].items())
    rng.shuffle(people)
    rng.shuffle(programs)
    assert allocate({**data, "people": dict(people), "programs": dict(programs)}) == allocate(data)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_skewed_season_equals_the_reference(seed: int) -> None:
    data = generate_instance(400, 40, seed)
    got = allocate(data)
    assert got == reference_assignment(data)
    assert sum(h is not None for h in got.values()) > 0


def test_a_rejected_person_moves_down_their_list_and_displaces_in_turn() -> None:
    data = {
        "people": {"a": ["x", "y"], "b": ["x", "y"], "c": ["y", "x"]},
        "programs": {"x": {"capacity": 1, "preferences": ["b", "a", "c"]},
                     "y": {"capacity": 1, "preferences": ["a", "c", "b"]}},
    }
    # a holds x until b arrives; a then takes y from c; c is left out (x prefers b, y prefers a).
    assert allocate(data) == {"a": "y", "b": "x", "c": None}


def test_capacity_counts_seats_and_the_host_keeps_its_favourites() -> None:
    data = {
        "people": {p: ["farm"] for p in ("p1", "p2", "p3", "p4")},
        "programs": {"farm": {"capacity": 2, "preferences": ["p4", "p2", "p1", "p3"]}},
    }
    assert allocate(data) == {"p1": None, "p2": "farm", "p3": None, "p4": "farm"}


def test_only_pairs_that_list_each_other_are_matched() -> None:
    data = {
        "people": {"a": ["x"], "b": ["y"], "c": []},
        "programs": {"x": {"capacity": 5, "preferences": ["b"]},  # a lists x, x does not list a
                     "y": {"capacity": 5, "preferences": ["b", "c"]}},  # c does not list y
    }
    assert allocate(data) == {"a": None, "b": "y", "c": None}


def test_a_program_without_seats_takes_nobody() -> None:
    data = {"people": {"a": ["x", "y"]},
            "programs": {"x": {"capacity": 0, "preferences": ["a"]}, "y": {"capacity": 1, "preferences": ["a"]}}}
    assert allocate(data) == {"a": "y"}


def test_an_empty_instance_allocates_nothing() -> None:
    assert allocate({"people": {}, "programs": {}}) == {}
    assert allocate({"people": {"a": []}, "programs": {"x": {"capacity": 1, "preferences": []}}}) == {"a": None}
