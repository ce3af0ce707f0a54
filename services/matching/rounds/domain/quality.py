"""A round's quality report, and how hosts rank applicants by score with seeded tie-breaks.

The report says what operators need to trust a round: the fill rate, the rank each person got in
their own list (1 is their first choice), blocking pairs (a person and a program that would both
rather have each other than what they got: none after deferred acceptance), who and which seats
were left over, fill rate and mean rank per region (is one region served worse?), and the seed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from hashlib import sha256

from services.matching.rounds.domain.instance import UNMATCHED, Instance, Matching


@dataclass(frozen=True, slots=True)
class RegionFairness:
    """How a region's programs fared: None where there is nothing to divide by."""

    region: str | None
    programs: int
    seats: int
    filled: int
    fill_rate: float | None
    mean_rank: float | None
    """Mean rank (in their own lists) of the people placed in this region's programs."""


@dataclass(frozen=True, slots=True)
class QualityReport:
    mode: str
    seed: str | None
    people: int
    matched: int
    seats: int
    fill_rate: float | None
    mean_rank: float | None
    rank_counts: Mapping[int, int]
    """Rank in the person's own list (1 = first choice) → how many people got it."""
    blocking_pairs: tuple[tuple[str, str], ...]
    """(person id, program id) pairs that would both rather have each other."""
    unmatched_people: tuple[str, ...]
    unmatched_seats: Mapping[str, int]
    """Program id → seats left empty, for the programs with any."""
    regions: tuple[RegionFairness, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "mode": self.mode, "seed": self.seed, "people": self.people, "matched": self.matched,
            "seats": self.seats, "fill_rate": self.fill_rate, "mean_rank": self.mean_rank,
            "rank_counts": {str(rank): count for rank, count in self.rank_counts.items()},
            "unmatched_people_count": len(self.unmatched_people),
            "unmatched_seats_count": sum(self.unmatched_seats.values()),
            "blocking_pairs_count": len(self.blocking_pairs),
            "blocking_pairs": [list(pair) for pair in self.blocking_pairs],
            "unmatched_people": list(self.unmatched_people), "unmatched_seats": dict(self.unmatched_seats),
            "regions": [{"region": r.region, "programs": r.programs, "seats": r.seats, "filled": r.filled,
                         "fill_rate": r.fill_rate, "mean_rank": r.mean_rank} for r in self.regions],
        }


def quality_report(instance: Instance, matching: Matching, *, mode: str = "stable") -> QualityReport:
    """The report of `matching` (a feasible one: see `infeasibilities`) on `instance`."""
    people, programs = instance.person_ids, instance.program_ids
    load = _load(instance, matching)
    ranks: list[int] = []
    rank_sums = [0] * len(programs)  # per program: the ranks of the people it got, summed
    for p, h in enumerate(matching):
        if h != UNMATCHED:
            rank = instance.wishes[p].index(h) + 1
            ranks.append(rank)
            rank_sums[h] += rank
    seats = sum(instance.capacities)
    regions: dict[str | None, list[int]] = {}
    for h, region in enumerate(instance.regions):
        regions.setdefault(region, []).append(h)
    return QualityReport(
        mode=mode, seed=instance.seed, people=len(people), matched=len(ranks), seats=seats,
        fill_rate=_ratio(len(ranks), seats), mean_rank=_ratio(sum(ranks), len(ranks)),
        rank_counts=dict(sorted(Counter(ranks).items())),
        blocking_pairs=tuple((people[p], programs[h]) for p, h in blocking_pairs(instance, matching)),
        unmatched_people=tuple(people[p] for p, h in enumerate(matching) if h == UNMATCHED),
        unmatched_seats={programs[h]: c - load[h] for h, c in enumerate(instance.capacities) if c > load[h]},
        regions=tuple(_fairness(region, members, instance.capacities, load, rank_sums)
                      for region, members in sorted(regions.items(), key=lambda item: item[0] or "")),
    )


def blocking_pairs(instance: Instance, matching: Matching) -> list[tuple[int, int]]:
    """(person, program) pairs, acceptable to both, where the person is unmatched or prefers the program,
    and the program has a free seat or prefers the person to someone it got. Linear in the lists' length;
    `matching` must be feasible (see `infeasibilities`)."""
    load = _load(instance, matching)
    worst = [-1] * len(instance.capacities)  # each program's worst position among those it got
    for p, h in enumerate(matching):
        if h != UNMATCHED:
            worst[h] = max(worst[h], instance.acceptable_standing[p][instance.acceptable[p].index(h)])
    pairs = []
    capacities = instance.capacities
    for p, current in enumerate(matching):
        for h, position in zip(instance.acceptable[p], instance.acceptable_standing[p], strict=True):
            if h == current:
                break
            if load[h] < capacities[h] or position < worst[h]:
                pairs.append((p, h))
    return pairs


def infeasibilities(instance: Instance, matching: Matching) -> list[str]:
    """What makes `matching` impossible: a pair not acceptable to both, or a program over capacity."""
    faults = [f"{instance.person_ids[p]} → {instance.program_ids[h]}: not acceptable to both"
              for p, h in enumerate(matching) if h != UNMATCHED and h not in instance.acceptable[p]]
    load = _load(instance, matching)
    faults += [f"{instance.program_ids[h]}: {load[h]} > capacity {c}"
               for h, c in enumerate(instance.capacities) if load[h] > c]
    return faults


def host_ranking(scores: Mapping[str, float], seed: str) -> list[str]:
    """Applicants by score, best first; equal scores in the order of sha256(f"{seed}:{person_id}"),
    so a tie is decided the same way every time for the same seed, and differently for another."""
    if any(math.isnan(score) for score in scores.values()):
        raise ValueError("scores must not be NaN")
    return sorted(scores, key=lambda person: (-scores[person], sha256(f"{seed}:{person}".encode()).digest(), person))


def _load(instance: Instance, matching: Matching) -> list[int]:
    load = [0] * len(instance.capacities)
    for h in matching:
        if h != UNMATCHED:
            load[h] += 1
    return load


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _fairness(region: str | None, members: list[int], capacities: tuple[int, ...], load: list[int],
              rank_sums: list[int]) -> RegionFairness:
    seats = sum(capacities[h] for h in members)
    filled = sum(load[h] for h in members)
    return RegionFairness(region=region, programs=len(members), seats=seats, filled=filled,
                          fill_rate=_ratio(filled, seats), mean_rank=_ratio(sum(rank_sums[h] for h in members), filled))
