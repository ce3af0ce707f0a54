"""A round's outcome in any mode: who goes where, and the quality report.

- stable: deferred acceptance; the report of its matching (no blocking pairs).
- max_fill: the min-cost flow; the report lists the blocking pairs it creates.
- relay: the season relay; one report over every placement: fill, ranks (in each person's own
  list), unmatched people (placed nowhere) and seats, and fairness per region over all stages;
  its blocking pairs are each stage's within that stage's own instance (none: each is stable).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import UNMATCHED, Instance
from services.matching.rounds.domain.max_fill import max_fill
from services.matching.rounds.domain.quality import (
    QualityReport,
    RegionFairness,
    blocking_pairs,
    quality_report,
)
from services.matching.rounds.domain.relay import season_relay
from services.matching.rounds.domain.rules import RoundMode


@dataclass(frozen=True, slots=True)
class Placement:
    person: int
    program: int
    rank: int  # in the person's own list, 1 = first choice
    stage: int  # the relay's stage that placed them; 1 outside the relay


@dataclass(frozen=True, slots=True)
class Outcome:
    placements: tuple[Placement, ...]
    report: QualityReport


def allocate(instance: Instance, mode: RoundMode, *, max_programs: int = 1) -> Outcome:
    if mode == RoundMode.relay:
        return _relay(instance, max_programs)
    matching = deferred_acceptance(instance) if mode == RoundMode.stable else max_fill(instance)
    placements = tuple(Placement(p, h, instance.wishes[p].index(h) + 1, 1)
                       for p, h in enumerate(matching) if h != UNMATCHED)
    return Outcome(placements, quality_report(instance, matching, mode=mode.value))


def _relay(instance: Instance, max_programs: int) -> Outcome:
    relay = season_relay(instance, max_programs=max_programs)
    placements = tuple(Placement(p, h, instance.wishes[p].index(h) + 1, stage)
                       for stage, step in enumerate(relay.rounds, start=1)
                       for p, h in enumerate(step.matching) if h != UNMATCHED)
    people, programs = instance.person_ids, instance.program_ids
    load = Counter(x.program for x in placements)
    rank_sums = Counter[int]()
    for x in placements:
        rank_sums[x.program] += x.rank
    placed = {x.person for x in placements}
    ranks = [x.rank for x in placements]
    seats = sum(instance.capacities)
    regions: dict[str | None, list[int]] = {}
    for h, region in enumerate(instance.regions):
        regions.setdefault(region, []).append(h)
    fairness = []
    for region, members in sorted(regions.items(), key=lambda item: item[0] or ""):
        region_seats = sum(instance.capacities[h] for h in members)
        filled = sum(load[h] for h in members)
        fairness.append(RegionFairness(region=region, programs=len(members), seats=region_seats, filled=filled,
                                       fill_rate=_ratio(filled, region_seats),
                                       mean_rank=_ratio(sum(rank_sums[h] for h in members), filled)))
    blocking = tuple((people[p], programs[h]) for step in relay.rounds
                     for p, h in blocking_pairs(step.instance, step.matching))
    report = QualityReport(
        mode=RoundMode.relay.value, seed=instance.seed, people=len(people), matched=len(ranks), seats=seats,
        fill_rate=_ratio(len(ranks), seats), mean_rank=_ratio(sum(ranks), len(ranks)),
        rank_counts=dict(sorted(Counter(ranks).items())), blocking_pairs=blocking,
        unmatched_people=tuple(person for p, person in enumerate(people) if p not in placed),
        unmatched_seats={programs[h]: c - load[h] for h, c in enumerate(instance.capacities) if c > load[h]},
        regions=tuple(fairness))
    return Outcome(placements, report)


def _ratio(numerator: int, denominator: int) -> float | None:
    # The same rounding as the stable report's, so the modes' numbers compare.
    return round(numerator / denominator, 4) if denominator else None
