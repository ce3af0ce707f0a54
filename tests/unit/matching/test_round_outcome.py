"""A round's outcome in each mode, the hosts' transparent score, and stored rankings as an instance."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings

from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.from_rankings import ProgramSlot, instance_from_rankings
from services.matching.rounds.domain.instance import UNMATCHED, Window, parse_instance
from services.matching.rounds.domain.outcome import allocate
from services.matching.rounds.domain.relay import season_relay
from services.matching.rounds.domain.rules import RoundMode
from services.matching.rounds.domain.scores import ApplicantFacts, ProgramNeeds, applicant_score, ranked_by_score
from tests.unit.matching.strategies import instances
from tests.unit.matching.test_relay import FARM_RELAY

NEEDS = ProgramNeeds(required_skills=frozenset({"harvest"}), optional_skills=frozenset({"driving", "cooking"}),
                     municipality_code="212172", prefecture_code="21")


@settings(max_examples=60, deadline=None)
@given(instances())
def test_the_stable_outcome_is_deferred_acceptance(data: dict[str, object]) -> None:
    instance = parse_instance(data)
    outcome = allocate(instance, RoundMode.stable)
    matching = deferred_acceptance(instance)
    assert {(x.person, x.program) for x in outcome.placements} == {
        (p, h) for p, h in enumerate(matching) if h != UNMATCHED}
    assert outcome.report.blocking_pairs == () and outcome.report.matched == len(outcome.placements)


def test_the_relays_report_counts_every_stage() -> None:
    instance = parse_instance(FARM_RELAY)
    outcome = allocate(instance, RoundMode.relay, max_programs=3)
    relay = season_relay(instance, max_programs=3)
    report = outcome.report
    assert report.mode == "relay" and report.matched == sum(map(len, relay.held)) == len(outcome.placements)
    assert report.blocking_pairs == ()
    assert set(report.unmatched_people) == {p for p, held in zip(instance.person_ids, relay.held, strict=True)
                                            if not held}
    assert sum(r.filled for r in report.regions) == report.matched
    assert sum(report.rank_counts.values()) == report.matched
    assert sorted({x.stage for x in outcome.placements}) == list(range(1, len(relay.rounds) + 1))


def test_the_score_is_the_documented_sum() -> None:
    nobody = ApplicantFacts(skills=frozenset(), favourite_codes=frozenset(), home_prefecture_code=None)
    fan = ApplicantFacts(skills=frozenset({"harvest", "driving"}), favourite_codes=frozenset({"212172"}),
                         home_prefecture_code="21")
    assert applicant_score(NEEDS, nobody) == 0.0
    assert applicant_score(NEEDS, fan) == 2.0 + 0.5 + 1.0 + 0.5


def test_score_ties_are_broken_by_the_seed_reproducibly() -> None:
    equal = {f"p{i}": ApplicantFacts(skills=frozenset(), favourite_codes=frozenset(), home_prefecture_code=None)
             for i in range(8)}
    first = ranked_by_score(NEEDS, equal, "seed-a")
    assert first == ranked_by_score(NEEDS, dict(reversed(equal.items())), "seed-a")
    assert first != ranked_by_score(NEEDS, equal, "seed-b")


def test_stored_rankings_become_an_instance_dropping_what_is_not_in_the_round() -> None:
    window = Window(date(2026, 9, 1), date(2026, 9, 2))
    instance = instance_from_rankings(
        people={"aoi": ["apple", "gone", "apple"], "ren": ["apple"]},
        programs=[ProgramSlot(id="apple", seats=-1, ranking=["ren", "stranger", "aoi"], region="飛騨市",
                              window=window)], seed="s")
    assert instance.wishes == ((0,), (0,)) and instance.applicants == ((1, 0),)
    assert instance.capacities == (0,) and instance.regions == ("飛騨市",) and instance.seed == "s"
