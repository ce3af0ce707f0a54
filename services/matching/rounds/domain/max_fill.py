"""The optional "maximise fill" mode: as many people placed as the lists and seats allow.

A min-cost flow (OR-Tools): source → each person (1) → each program that person and program both
list (1) → sink (the program's capacity). The flow is maximal, so the number placed is the largest
any matching can reach; among those, the cost prefers placing people high in their own lists,
then high in the hosts' lists. Such a matching is usually not stable: the round's quality report
lists the blocking pairs it creates (`quality.blocking_pairs`), so operators choose knowingly.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from services.matching.rounds.domain.instance import UNMATCHED, Instance, Matching


def max_fill(instance: Instance) -> Matching:
    """A maximum matching of least cost: for each person, their program's index or UNMATCHED."""
    people, programs = len(instance.person_ids), len(instance.program_ids)
    source, sink = people + programs, people + programs + 1  # people are nodes 0..n-1, programs n..n+m-1
    # Cost of a pair: the person's rank in their list first, the host's rank of them second.
    host_ranks = max((len(a) for a in instance.applicants), default=0) + 1
    tails: list[int] = []
    heads: list[int] = []
    costs: list[int] = []
    for p, (acceptable, standing) in enumerate(zip(instance.acceptable, instance.acceptable_standing, strict=True)):
        wishes = {h: rank for rank, h in enumerate(instance.wishes[p])}
        for h, position in zip(acceptable, standing, strict=True):
            tails.append(p)
            heads.append(people + h)
            costs.append(wishes[h] * host_ranks + position)
    pairs = len(tails)
    tails += [source] * people + [people + h for h in range(programs)]
    heads += list(range(people)) + [sink] * programs
    capacities = [1] * (pairs + people) + list(instance.capacities)
    costs += [0] * (people + programs)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
                                              np.array(capacities, dtype=np.int64), np.array(costs, dtype=np.int64))
    flow.set_node_supply(source, people)
    flow.set_node_supply(sink, -people)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    used = flow.flows(np.arange(pairs, dtype=np.int32))
    matching = [UNMATCHED] * people
    for arc in np.flatnonzero(used).tolist():
        matching[tails[arc]] = heads[arc] - people
    return tuple(matching)
