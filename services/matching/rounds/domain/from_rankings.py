"""A round's stored rankings as the allocation's instance: ids become indices once, here.

People are in the order given (the service passes them by id, so the instance does not depend on
when anyone submitted); an entry naming someone or something not in the round is dropped: the
rankings were checked when submitted, and a person who since withdrew their list is simply absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.matching.rounds.domain.instance import Instance, Window


@dataclass(frozen=True, slots=True)
class ProgramSlot:
    id: str
    seats: int  # free seats when the round runs
    ranking: Sequence[str]  # the host's order of person ids, best first
    region: str | None
    window: Window | None


def instance_from_rankings(*, people: Mapping[str, Sequence[str]], programs: Sequence[ProgramSlot],
                           seed: str) -> Instance:
    person_index = {person: i for i, person in enumerate(people)}
    program_index = {slot.id: h for h, slot in enumerate(programs)}
    return Instance.build(
        person_ids=list(people), program_ids=[slot.id for slot in programs],
        capacities=[max(0, slot.seats) for slot in programs],
        wishes=[_indices(wished, program_index) for wished in people.values()],
        applicants=[_indices(slot.ranking, person_index) for slot in programs],
        regions=[slot.region for slot in programs], windows=[slot.window for slot in programs], seed=seed)


def _indices(ids: Sequence[str], index: Mapping[str, int]) -> list[int]:
    seen: set[int] = set()
    found = []
    for entry in ids:
        i = index.get(entry)
        if i is not None and i not in seen:
            seen.add(i)
            found.append(i)
    return found
