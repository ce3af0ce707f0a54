"""The season relay: the farm helpers' demo case, and on random dated instances no person's programs
overlap, capacities hold over all rounds, each round is stable within its round, and it is deterministic."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import UNMATCHED, InvalidInstance, parse_instance
from services.matching.rounds.domain.quality import blocking_pairs, infeasibilities
from services.matching.rounds.domain.relay import season_relay
from tests.unit.matching.strategies import instances


def program(capacity: int, region: str, starts_on: str, ends_on: str, preferences: list[str]) -> dict[str, Any]:
    return {"capacity": capacity, "region": region, "starts_on": starts_on, "ends_on": ends_on,
            "preferences": preferences}


FARM_RELAY: dict[str, Any] = {
    "people": {"yui": ["hokkaido-potato", "nagano-apple", "hida-rice", "kyoto-tea"],
               "ren": ["nagano-apple", "hida-rice", "hokkaido-potato"],
               "sora": ["hokkaido-potato", "kagoshima-mikan"],
               "mio": ["kyoto-tea", "hokkaido-potato"]},
    "programs": {
        "kyoto-tea": program(1, "京都府", "2025-05-01", "2025-05-20", ["mio", "yui"]),
        "hokkaido-potato": program(2, "北海道", "2025-07-20", "2025-08-31", ["sora", "yui", "mio", "ren"]),
        "nagano-apple": program(1, "長野県", "2025-08-25", "2025-09-10", ["yui", "ren"]),
        "hida-rice": program(2, "岐阜県", "2025-09-20", "2025-10-05", ["ren", "yui"]),
        "kagoshima-mikan": program(1, "鹿児島県", "2025-11-20", "2025-12-20", ["sora"]),
    },
}


def test_farm_helpers_relay_across_regions_and_seasons() -> None:
    instance = parse_instance(FARM_RELAY)
    relay = season_relay(instance)
    # Round 1 is the stable round. Round 2: yui's nagano-apple overlaps her potatoes (from 25 August), so she
    # goes on to the rice harvest; mio would take potatoes after tea, but they are full.
    assert relay.named(instance) == {"yui": ["hokkaido-potato", "hida-rice"], "ren": ["nagano-apple", "hida-rice"],
                                     "sora": ["hokkaido-potato", "kagoshima-mikan"], "mio": ["kyoto-tea"]}
    assert len(relay.rounds) == 2
    assert relay.rounds[0].matching == deferred_acceptance(instance)


def test_the_maximum_per_person_caps_the_rounds() -> None:
    instance = parse_instance(FARM_RELAY)
    once = season_relay(instance, max_programs=1)
    assert len(once.rounds) == 1
    assert all(len(programs) <= 1 for programs in once.held)
    with pytest.raises(ValueError):
        season_relay(instance, max_programs=0)


def test_every_program_needs_dates() -> None:
    data = {**FARM_RELAY, "programs": {**FARM_RELAY["programs"], "online-design": {"capacity": 3, "preferences": []}}}
    with pytest.raises(InvalidInstance) as raised:
        season_relay(parse_instance(data))
    assert [(p.field, p.code) for p in raised.value.problems] == [("programs.online-design", "dates_required")]
    assert "online-design" in raised.value.en and "online-design" in raised.value.ja


@settings(max_examples=200, deadline=None)
@given(instances(max_people=10, max_programs=7, max_capacity=3, dated=True))
def test_no_overlap_capacities_hold_and_each_round_is_stable(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    relay = season_relay(instance, max_programs=3)
    windows = instance.windows
    for programs in relay.held:
        assert len(programs) <= 3 and len(set(programs)) == len(programs)
        dates = [windows[h] for h in programs]
        for i, first in enumerate(dates):
            for second in dates[i + 1:]:
                assert first is not None and second is not None
                assert not first.overlaps(second)
    load = [0] * len(instance.program_ids)
    for programs in relay.held:
        for h in programs:
            load[h] += 1
    assert all(taken <= capacity for taken, capacity in zip(load, instance.capacities, strict=True))
    for round_ in relay.rounds:
        assert any(h != UNMATCHED for h in round_.matching)
        assert infeasibilities(round_.instance, round_.matching) == []
        assert blocking_pairs(round_.instance, round_.matching) == []
        for p, h in enumerate(round_.matching):
            if h != UNMATCHED:
                assert h in instance.wishes[p] and p in instance.applicants[h]  # acceptable in the original too
    if relay.rounds:
        assert relay.rounds[0].matching == deferred_acceptance(instance)
    assert season_relay(parse_instance(data), max_programs=3) == relay
