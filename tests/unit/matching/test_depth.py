"""A municipality's depth figures as of a day: programs, participations (延べ), people, repeat
rate and the stage funnel."""

from __future__ import annotations

from datetime import date

import pytest

from services.matching.participation.domain.depth import Depth, Funnel, depth_as_of
from services.matching.participation.domain.facts import (
    Fact,
    Interest,
    InterestKind,
    Participation,
    ProgramPublished,
    Role,
    RoleTaken,
    Source,
)
from services.matching.participation.domain.stages import Stage

HIDA, SAPPORO = "212172", "011002"


def published(program: str, on: date, municipality: str = HIDA) -> ProgramPublished:
    return ProgramPublished(program_id=program, municipality_code=municipality, on=on)


def took_part(person: str, program: str, on: date, municipality: str = HIDA,
              source: Source = Source.host_confirmed) -> Participation:
    return Participation(person_id=person, municipality_code=municipality, on=on, program_id=program, source=source)


FACTS: list[Fact] = [
    published("snow", date(2024, 1, 5)),
    published("rice", date(2024, 8, 20)),
    published("elsewhere", date(2024, 1, 5), SAPPORO),
    Interest(person_id="fan", municipality_code=HIDA, on=date(2024, 2, 1), kind=InterestKind.registered),
    Interest(person_id="once", municipality_code=HIDA, on=date(2024, 1, 10), kind=InterestKind.favourite),
    took_part("once", "snow", date(2024, 1, 20)),
    took_part("twice", "snow", date(2024, 1, 20)),
    took_part("twice", "snow", date(2024, 1, 21)),  # a second day of the same program: a second visit
    took_part("seasons", "snow", date(2024, 1, 20)),
    # The host confirmed and the forum desk checked in the same visit: counted once.
    took_part("seasons", "rice", date(2024, 9, 14)),
    took_part("seasons", "rice", date(2024, 9, 14), source=Source.forum_checkin),
    RoleTaken(person_id="host", municipality_code=HIDA, on=date(2024, 3, 1), role=Role.host),
    took_part("visitor", "elsewhere", date(2024, 1, 20), SAPPORO),
]


def test_nothing_known_yet() -> None:
    depth = depth_as_of(FACTS, municipality_code=HIDA, as_of=date(2024, 1, 4))
    assert depth == Depth(municipality_code=HIDA, as_of=date(2024, 1, 4), programs=0, participations=0, people=0,
                          repeaters=0, funnel=Funnel(collect=0, deepen=0, connect=0))
    assert depth.repeat_rate is None


def test_the_winter_figures() -> None:
    depth = depth_as_of(FACTS, municipality_code=HIDA, as_of=date(2024, 1, 31))
    assert (depth.programs, depth.participations, depth.people, depth.repeaters) == (1, 4, 3, 1)
    assert depth.repeat_rate == pytest.approx(1 / 3)
    assert depth.funnel == Funnel(collect=0, deepen=3, connect=0)


def test_the_year_end_figures() -> None:
    depth = depth_as_of(FACTS, municipality_code=HIDA, as_of=date(2024, 12, 31))
    assert (depth.programs, depth.participations, depth.people, depth.repeaters) == (2, 5, 3, 2)
    assert depth.repeat_rate == pytest.approx(2 / 3)
    # fan: registered only; once, twice: one season; seasons: winter and autumn; host: a role.
    assert depth.funnel == Funnel(collect=1, deepen=2, connect=2)


def test_only_the_municipalitys_own_facts_count() -> None:
    depth = depth_as_of(FACTS, municipality_code=SAPPORO, as_of=date(2024, 12, 31))
    assert (depth.programs, depth.participations, depth.people, depth.repeaters) == (1, 1, 1, 0)
    assert depth.funnel == Funnel(collect=0, deepen=1, connect=0)


def test_the_funnel_counts_each_relation_once_and_narrows_stage_by_stage() -> None:
    funnel = Funnel(collect=5, deepen=3, connect=2)
    assert [funnel.at(s) for s in Stage] == [5, 3, 2]
    assert [funnel.reached(s) for s in Stage] == [10, 5, 2]


def test_the_figures_only_grow_through_the_year() -> None:
    days = [date(2024, month, 28) for month in range(1, 13)]
    series = [depth_as_of(FACTS, municipality_code=HIDA, as_of=day) for day in days]
    for earlier, later in zip(series, series[1:], strict=False):
        assert later.programs >= earlier.programs
        assert later.participations >= earlier.participations
        assert later.people >= earlier.people
        assert later.funnel.reached(Stage.collect) >= earlier.funnel.reached(Stage.collect)
        assert later.funnel.reached(Stage.connect) >= earlier.funnel.reached(Stage.connect)
