"""Person-proposing deferred acceptance with capacities (Gale–Shapley; Roth 1984 for hospitals/residents).

Free people propose down their acceptable lists; a program holds its best applicants up to its
capacity and rejects the rest, who propose again. The result is the person-optimal stable matching,
which is unique, so the order in which free people propose does not change it: it equals what the
`matching` package's `HospitalResident.solve(optimal="resident")` computes on the same instance.

Speed, in pure Python: each program's holds are a heap of ints (its worst held applicant on top),
each int `position * people + person` so one comparison orders two applicants and the person is
recovered by `%`; the lists and positions were resolved once by the instance. Each proposal is a
few list reads and at most one heap operation: O(proposals · log capacity).
"""

from __future__ import annotations

from heapq import heappush, heapreplace

from services.matching.rounds.domain.instance import UNMATCHED, Instance, Matching


def deferred_acceptance(instance: Instance) -> Matching:
    """The person-optimal stable matching: for each person, their program's index or UNMATCHED."""
    n = len(instance.person_ids)
    capacities = instance.capacities
    acceptable = instance.acceptable
    positions = instance.acceptable_standing
    held: list[list[int]] = [[] for _ in capacities]  # per program: -(position * n + person), a max-heap
    next_choice = [0] * n
    free = list(range(n - 1, -1, -1))  # popped from the end: person 0 proposes first (any order gives the same)
    pop, push = free.pop, free.append
    while free:
        person = pop()
        programs = acceptable[person]
        ranks = positions[person]
        i = next_choice[person]
        end = len(programs)
        while i < end:
            program = programs[i]
            key = ranks[i] * n + person
            i += 1
            holds = held[program]
            if len(holds) < capacities[program]:
                heappush(holds, -key)
                break
            worst = -holds[0]
            if key < worst:  # the program prefers this person to the worst it holds
                heapreplace(holds, -key)
                push(worst % n)
                break
        next_choice[person] = i
    matching = [UNMATCHED] * n
    for program, holds in enumerate(held):
        for stored in holds:
            matching[-stored % n] = program
    return tuple(matching)
