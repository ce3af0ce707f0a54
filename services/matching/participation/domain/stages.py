"""A person's relation stage with a municipality, the report's 集める → 深める → つなげる.

The rules, for one person and one municipality, over the facts dated on or before the as-of day:

- no fact: no relation (None);
- 集める (collect): registered (関係人口 registration, a fan club) or marked the region a favourite;
- 深める (deepen): took part in at least one program there. Coming back (a second participation)
  keeps a person here as long as every visit falls in the same season;
- つなげる (connect): came back across seasons (participations in two or more different seasons),
  or took a role there (host, booth, speaker, coordinator).

A higher rule wins whatever else is true: a helper who took part without registering is 深める,
a host who never took part is つなげる.

Seasons are the meteorological 春 (Mar–May), 夏 (Jun–Aug), 秋 (Sep–Nov) and 冬 (Dec–Feb), each of
one year: winter belongs to the year of its December, so Dec 2024 – Feb 2025 is one winter.
Regional work follows these seasons (snow clearing Dec–Feb, planting in spring, harvests in autumn;
the report's farm-helper relay moves people between regions' different busy seasons), while fiscal
quarters are an office's calendar and would split a winter at New Year. "Different seasons" means
different (year, season) pairs: coming back the next winter counts, because a year apart is the
return the report hopes for.

Every rule is "there is a fact such that ...", so adding facts never lowers a stage: a stage as of
a later day is never below the stage as of an earlier one, and withdrawing a favourite does not
undo a relation (erasure removes the person's facts altogether).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from services.matching.participation.domain.facts import (
    Fact,
    Participation,
    PersonFact,
    ProgramPublished,
    Relation,
    RoleTaken,
    known_on,
)


class Stage(IntEnum):
    """Ordered: a later stage compares greater."""

    collect = 1
    deepen = 2
    connect = 3

    @property
    def ja(self) -> str:
        return _JA[self]


_JA = {Stage.collect: "集める", Stage.deepen: "深める", Stage.connect: "つなげる"}


class SeasonName(IntEnum):
    spring = 1
    summer = 2
    autumn = 3
    winter = 4

    @property
    def ja(self) -> str:
        return "春夏秋冬"[self - 1]


@dataclass(frozen=True, slots=True, order=True)
class Season:
    year: int  # for winter, the year of its December
    name: SeasonName


def season_of(day: date) -> Season:
    if day.month == 12:
        return Season(day.year, SeasonName.winter)
    if day.month <= 2:
        return Season(day.year - 1, SeasonName.winter)
    return Season(day.year, SeasonName((day.month - 3) // 3 + 1))


def stage_from(facts: Iterable[PersonFact]) -> Stage | None:
    """The stage the given facts of one relation establish, whatever their dates."""
    seasons: set[Season] = set()
    known = False
    for fact in facts:
        if isinstance(fact, RoleTaken):
            return Stage.connect
        known = True
        if isinstance(fact, Participation):
            seasons.add(season_of(fact.on))
    if len(seasons) >= 2:
        return Stage.connect
    if seasons:
        return Stage.deepen
    return Stage.collect if known else None


def _by_relation(facts: Iterable[Fact]) -> dict[Relation, list[PersonFact]]:
    grouped: dict[Relation, list[PersonFact]] = defaultdict(list)
    for fact in facts:
        if not isinstance(fact, ProgramPublished):
            grouped[fact.relation].append(fact)
    return grouped


def stages_as_of(facts: Iterable[Fact], as_of: date) -> dict[Relation, Stage]:
    """Every relation's stage as of the day (relations without a fact by then are absent)."""
    stages = {relation: stage_from(own) for relation, own in _by_relation(known_on(facts, as_of)).items()}
    return {relation: stage for relation, stage in stages.items() if stage is not None}


def stage_of(facts: Iterable[Fact], relation: Relation, as_of: date) -> Stage | None:
    return stage_from(_by_relation(known_on(facts, as_of)).get(relation, []))


@dataclass(frozen=True, slots=True)
class StageChange:
    """A relation moved up: what `matching.relation.stage_changed.v1` reports."""

    relation: Relation
    before: Stage | None  # None: the relation is new
    after: Stage
    on: date  # the first day as of which the relation stands at `after`


def stage_changes(before_facts: Iterable[Fact], new_fact: Fact) -> list[StageChange]:
    """The stage changes the new fact causes, comparing the stages over all facts (of any date)
    without and with it. A fact about the past may also move the day a stage was reached without
    changing the stage: that is no change (the as-of figures are recomputed from the facts anyway)."""
    if isinstance(new_fact, ProgramPublished):
        return []
    relation = new_fact.relation
    own = _by_relation(before_facts).get(relation, [])
    before, after = stage_from(own), stage_from([*own, new_fact])
    if after is None or after == before:
        return []
    with_new = [*own, new_fact]
    reached = min(day for day in {f.on for f in with_new} if stage_from(known_on(with_new, day)) == after)
    return [StageChange(relation, before, after, reached)]


def stage_history(facts: Iterable[Fact]) -> list[tuple[StageChange, Fact]]:
    """Every relation's moves, each with the fact that made it, as `stage_changes` would have told
    them had the facts arrived one by one in date order (a day's facts in the order given): the
    stage changes of facts recorded all at once, such as an import."""
    history: list[tuple[StageChange, Fact]] = []
    seen: dict[Relation, list[Fact]] = defaultdict(list)
    for fact in sorted(facts, key=lambda f: f.on):  # sorted() is stable
        if isinstance(fact, ProgramPublished):
            continue
        history += [(change, fact) for change in stage_changes(seen[fact.relation], fact)]
        seen[fact.relation].append(fact)
    return history
