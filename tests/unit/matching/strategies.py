"""Shared by the rounds' tests: random JSON-shaped instances (hypothesis), every feasible matching of a small
one, and blocking pairs by the definition, straight from the JSON shape (independent of the domain's code)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import product
from typing import Any

from hypothesis import strategies as st

REGIONS = ("北海道", "京都府", "岐阜県", None)


@st.composite
def instances(draw: st.DrawFn, max_people: int = 8, max_programs: int = 5, max_capacity: int = 3,
              dated: bool = False) -> dict[str, Any]:
    """People list a random part of the programs; hosts list mostly their applicants (some left out)
    and sometimes people who did not apply, so unacceptable pairs and zero capacities both occur."""
    people = [f"p{i}" for i in range(draw(st.integers(0, max_people)))]
    programs = [f"h{j}" for j in range(draw(st.integers(0, max_programs)))]
    wishes = {p: draw(st.lists(st.sampled_from(programs), unique=True)) if programs else [] for p in people}
    specs: dict[str, dict[str, Any]] = {}
    for h in programs:
        applied = [p for p in people if h in wishes[p]]
        listed = [p for p in applied if draw(st.integers(0, 9)) > 0]
        listed += [p for p in people if p not in applied and draw(st.integers(0, 9)) == 0]
        spec: dict[str, Any] = {"capacity": draw(st.integers(0, max_capacity)),
                                "preferences": draw(st.permutations(listed)) if listed else []}
        region = draw(st.sampled_from(REGIONS))
        if region is not None:
            spec["region"] = region
        if dated:
            starts = date(2025, 4, 1) + timedelta(days=draw(st.integers(0, 90)))
            spec["starts_on"] = starts.isoformat()
            spec["ends_on"] = (starts + timedelta(days=draw(st.integers(0, 30)))).isoformat()
        specs[h] = spec
    return {"people": wishes, "programs": specs, "seed": draw(st.sampled_from(["s1", "秋の回"]))}


def acceptable(data: dict[str, Any], person: str, program: str) -> bool:
    spec = data["programs"][program]
    return program in data["people"][person] and person in spec["preferences"]


def feasible_matchings(data: dict[str, Any]) -> Iterator[dict[str, str | None]]:
    """Every matching of acceptable pairs within capacities (small instances only: it is exponential)."""
    people = list(data["people"])
    options = [[None, *[h for h in data["people"][p] if acceptable(data, p, h)]] for p in people]
    for choice in product(*options):
        loads = {h: choice.count(h) for h in data["programs"]}
        if all(loads[h] <= spec["capacity"] for h, spec in data["programs"].items()):
            yield dict(zip(people, choice, strict=True))


def naive_blocking_pairs(data: dict[str, Any], assignment: dict[str, str | None]) -> set[tuple[str, str]]:
    """The definition, pair by pair: both list each other; the person has nothing or likes the program better;
    the program has a free seat or likes the person better than someone it got."""
    pairs = set()
    for person, wishes in data["people"].items():
        for program in wishes:
            if not acceptable(data, person, program):
                continue
            got = assignment[person]
            person_wants = got is None or wishes.index(program) < wishes.index(got)
            spec = data["programs"][program]
            holders = [p for p, h in assignment.items() if h == program]
            ranking = spec["preferences"]
            program_wants = len(holders) < spec["capacity"] or any(
                ranking.index(person) < ranking.index(holder) for holder in holders)
            if person_wants and program_wants:
                pairs.add((person, program))
    return pairs
