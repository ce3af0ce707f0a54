"""The instance: ids become indices in the file's order, acceptability is mutual, the result is immutable,
and every fault is named in Japanese and English."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings

from kit.errors import AppError
from services.matching.rounds.domain.instance import Instance, InvalidInstance, Window, parse_instance
from tests.unit.matching.strategies import acceptable, instances

SEASON: dict[str, Any] = {
    "people": {"あき": ["hida", "kyoto"], "bo": ["kyoto"], "cy": ["hida"]},
    "programs": {
        "hida": {"capacity": 2, "preferences": ["cy", "あき"], "region": "岐阜県",
                 "starts_on": "2025-05-10", "ends_on": "2025-05-12"},
        "kyoto": {"capacity": 1, "preferences": ["あき"], "region": "京都府"},
    },
    "seed": "2025-spring",
}


def problems_of(data: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInstance) as raised:
        parse_instance(data)
    for problem in raised.value.problems:
        assert problem.ja and problem.en and problem.ja != problem.en
    return [(p.field, p.code) for p in raised.value.problems]


def test_ids_become_indices_in_the_files_order() -> None:
    instance = parse_instance(SEASON)
    assert instance.person_ids == ("あき", "bo", "cy")
    assert instance.program_ids == ("hida", "kyoto")
    assert instance.capacities == (2, 1)
    assert instance.wishes == ((0, 1), (1,), (0,))
    assert instance.applicants == ((2, 0), (0,))
    assert instance.regions == ("岐阜県", "京都府")
    assert instance.windows == (Window(date(2025, 5, 10), date(2025, 5, 12)), None)
    assert instance.seed == "2025-spring"


def test_a_pair_is_acceptable_only_if_each_lists_the_other() -> None:
    instance = parse_instance(SEASON)
    # bo lists kyoto, kyoto does not list bo; あき is second at hida, first at kyoto.
    assert instance.acceptable == ((0, 1), (), (0,))
    assert instance.acceptable_standing == ((1, 0), (), (0,))


@settings(max_examples=200, deadline=None)
@given(instances(max_people=10, max_programs=6))
def test_acceptable_lists_follow_the_definition(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    for p, person in enumerate(instance.person_ids):
        expected = [h for h in data["people"][person]
                    if acceptable(data, person, h) and data["programs"][h]["capacity"] > 0]
        assert [instance.program_ids[h] for h in instance.acceptable[p]] == expected
        assert list(instance.acceptable_standing[p]) == [data["programs"][h]["preferences"].index(person)
                                                         for h in expected]


def test_narrowing_recomputes_what_is_acceptable() -> None:
    instance = parse_instance(SEASON)
    narrowed = instance.narrowed(wishes=[(1,), (1,), (0,)], capacities=[0, 1])
    assert narrowed.acceptable == ((1,), (), ())  # hida has no seats left
    assert narrowed.applicants == instance.applicants and narrowed.person_ids == instance.person_ids


def test_the_instance_is_immutable() -> None:
    instance = parse_instance(SEASON)
    with pytest.raises(dataclasses.FrozenInstanceError):
        instance.capacities = (9, 9)  # type: ignore[misc]
    assert isinstance(instance.wishes, tuple) and all(isinstance(w, tuple) for w in instance.wishes)


def test_build_from_indices_equals_parsing() -> None:
    parsed = parse_instance(SEASON)
    built = Instance.build(person_ids=parsed.person_ids, program_ids=parsed.program_ids,
                           capacities=parsed.capacities, wishes=parsed.wishes, applicants=parsed.applicants,
                           regions=parsed.regions, windows=parsed.windows, seed=parsed.seed)
    assert built == parsed


def test_windows_sharing_a_day_overlap() -> None:
    may = Window(date(2025, 5, 1), date(2025, 5, 10))
    assert may.overlaps(Window(date(2025, 5, 10), date(2025, 5, 20)))
    assert may.overlaps(Window(date(2025, 5, 3), date(2025, 5, 4)))
    assert not may.overlaps(Window(date(2025, 5, 11), date(2025, 5, 20)))
    assert not Window(date(2025, 5, 11), date(2025, 5, 20)).overlaps(may)


def test_an_unknown_id_is_named() -> None:
    data = {"people": {"a": ["x", "nowhere"]}, "programs": {"x": {"capacity": 1, "preferences": ["a", "ghost"]}}}
    with pytest.raises(InvalidInstance) as raised:
        parse_instance(data)
    found = {(p.field, p.code): p for p in raised.value.problems}
    assert set(found) == {("people.a[1]", "unknown_id"), ("programs.x.preferences[1]", "unknown_id")}
    assert "nowhere" in found["people.a[1]", "unknown_id"].en and "nowhere" in found["people.a[1]", "unknown_id"].ja
    assert "ghost" in found["programs.x.preferences[1]", "unknown_id"].en


def test_a_negative_capacity_is_refused() -> None:
    data = {"people": {}, "programs": {"x": {"capacity": -1, "preferences": []}}}
    assert problems_of(data) == [("programs.x.capacity", "negative_capacity")]


def test_a_duplicate_in_a_list_is_refused() -> None:
    data = {"people": {"a": ["x", "x"]}, "programs": {"x": {"capacity": 1, "preferences": ["a", "a"]}}}
    assert problems_of(data) == [("programs.x.preferences[1]", "duplicate"), ("people.a[1]", "duplicate")]


@pytest.mark.parametrize(("data", "expected"), [
    ([], [("", "type")]),
    ({"people": {}}, [("programs", "required")]),
    ({"people": [], "programs": {}}, [("people", "type")]),
    ({"people": {}, "programs": {}, "rounds": 2}, [("rounds", "unknown_key")]),
    ({"people": {}, "programs": {}, "seed": 7}, [("seed", "type")]),
    ({"people": {"a": "x"}, "programs": {"x": {"capacity": 1, "preferences": []}}}, [("people.a", "type")]),
    ({"people": {"a": [1]}, "programs": {"x": {"capacity": 1, "preferences": []}}}, [("people.a[0]", "id_type")]),
    ({"people": {}, "programs": {"x": {"capacity": "2", "preferences": []}}}, [("programs.x.capacity", "type")]),
    ({"people": {}, "programs": {"x": {"capacity": True, "preferences": []}}}, [("programs.x.capacity", "type")]),
    ({"people": {}, "programs": {"x": {"capacity": 1.5, "preferences": []}}}, [("programs.x.capacity", "type")]),
    ({"people": {}, "programs": {"x": {"preferences": []}}}, [("programs.x.capacity", "required")]),
    ({"people": {}, "programs": {"x": {"capacity": 1}}}, [("programs.x.preferences", "type")]),
    ({"people": {}, "programs": {"x": 3}}, [("programs.x", "type"), ("programs.x.capacity", "required"),
                                            ("programs.x.preferences", "type")]),
    ({"people": {}, "programs": {"x": {"capacity": 1, "preferences": [], "capacty": 2}}},
     [("programs.x.capacty", "unknown_key")]),
    ({"people": {}, "programs": {"x": {"capacity": 1, "preferences": [], "region": ""}}},
     [("programs.x.region", "type")]),
    ({"people": {}, "programs": {"x": {"capacity": 1, "preferences": [], "starts_on": "2025-05-01"}}},
     [("programs.x.ends_on", "date")]),
    ({"people": {}, "programs": {"x": {"capacity": 1, "preferences": [], "starts_on": "May 1",
                                       "ends_on": "2025-05-02"}}}, [("programs.x.starts_on", "date")]),
    ({"people": {}, "programs": {"x": {"capacity": 1, "preferences": [], "starts_on": "2025-05-02",
                                       "ends_on": "2025-05-01"}}}, [("programs.x.ends_on", "date_order")]),
    ({"people": {"": []}, "programs": {}}, [("people", "id_type")]),
])
def test_wrong_shapes_and_types_are_named(data: object, expected: list[tuple[str, str]]) -> None:
    assert problems_of(data) == expected


def test_every_problem_is_reported_at_once_and_the_message_counts_them() -> None:
    data = {"people": {"a": ["x", "x", "y"]}, "programs": {"x": {"capacity": -3, "preferences": ["b"]}}}
    with pytest.raises(InvalidInstance) as raised:
        parse_instance(data)
    error = raised.value
    assert len(error.problems) == 4
    assert error.en.startswith("Invalid allocation instance: ") and error.en.endswith("(and 3 more)")
    assert error.ja.startswith("割り当ての入力に誤りがあります") and "ほか3件" in error.ja


def test_it_is_an_application_error_the_api_can_answer_with() -> None:
    with pytest.raises(AppError) as raised:
        parse_instance({"people": {}, "programs": {"x": {"capacity": -1, "preferences": []}}})
    assert raised.value.status == 422
