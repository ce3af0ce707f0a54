"""A municipality's relation depth as of a day: how much happens there, and how deep its people's
relations go. Only facts dated on or before the day count, so a figure as of a past day changes
only when a fact about that past arrives.

- programs: programs published there;
- participations: 延べ, every (person, program, day) once, whoever confirmed it;
- people: the distinct people who took part;
- repeat rate: people with two or more participations, out of people (None without people);
- funnel: relations (registered, interested or active) counted at the stage each stands at.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.matching.participation.domain.facts import Fact, Participation, ProgramPublished, known_on
from services.matching.participation.domain.stages import Stage, stages_as_of


@dataclass(frozen=True, slots=True)
class Funnel:
    collect: int
    deepen: int
    connect: int

    def at(self, stage: Stage) -> int:
        """Relations standing at exactly this stage."""
        return {Stage.collect: self.collect, Stage.deepen: self.deepen, Stage.connect: self.connect}[stage]

    def reached(self, stage: Stage) -> int:
        """Relations at this stage or beyond: the funnel's width at that step."""
        return sum(self.at(s) for s in Stage if s >= stage)


@dataclass(frozen=True, slots=True)
class Depth:
    municipality_code: str
    as_of: date
    programs: int
    participations: int
    people: int
    repeaters: int  # people with two or more participations
    funnel: Funnel

    @property
    def repeat_rate(self) -> float | None:
        return self.repeaters / self.people if self.people else None


def depth_as_of(facts: Iterable[Fact], *, municipality_code: str, as_of: date) -> Depth:
    known = [f for f in known_on(facts, as_of) if f.municipality_code == municipality_code]
    programs = {f.program_id for f in known if isinstance(f, ProgramPublished)}
    visits = {f.key for f in known if isinstance(f, Participation)}
    per_person = Counter(person_id for person_id, _, _ in visits)
    stages = Counter(stages_as_of(known, as_of).values())
    return Depth(
        municipality_code=municipality_code, as_of=as_of, programs=len(programs), participations=len(visits),
        people=len(per_person), repeaters=sum(1 for n in per_person.values() if n >= 2),
        funnel=Funnel(collect=stages[Stage.collect], deepen=stages[Stage.deepen], connect=stages[Stage.connect]),
    )
