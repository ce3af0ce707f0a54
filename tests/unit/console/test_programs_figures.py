"""The programs' figures from rows as of a day: programs, participations, people and repeaters in
all and per municipality, the funnel 集める → 深める → つなげる, and the CSV. Pure: no database."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from kit.gazetteer import local_governments
from services.console.programs.domain.export import programs_csv
from services.console.programs.domain.figures import (
    STAGES,
    Participants,
    Programs,
    ProgramTally,
    StageTally,
    TownParticipants,
    funnel,
    programs,
)

LGS = local_governments()
DAY = date(2026, 11, 30)
CUTOFF = datetime(2026, 11, 30, 15, tzinfo=UTC)
HIDA, UNNAN, ODD = "212172", "322091", "999999"
NONE = Participants(0, 0, 0)


def figures(tallies: Sequence[ProgramTally] = (), participants: Sequence[TownParticipants] = (),
            everyone: Participants = NONE, stages: Sequence[StageTally] = (),
            names: dict[str, str] | None = None) -> Programs:
    return programs(as_of=DAY, cutoff=CUTOFF, tallies=tallies, participants=participants, everyone=everyone,
                    stages=stages, names=names or {}, lgs=LGS)


def town(code: str, participations: int, people: int, repeaters: int) -> TownParticipants:
    return TownParticipants(participations=participations, people=people, repeaters=repeaters,
                            municipality_code=code)


def test_figures_in_all_and_per_municipality() -> None:
    found = figures(
        tallies=[ProgramTally(HIDA, programs=3, open_programs=1), ProgramTally(UNNAN, programs=1, open_programs=1)],
        participants=[town(HIDA, 4, 2, 1), town(UNNAN, 2, 2, 0)],
        everyone=Participants(participations=6, people=3, repeaters=2),  # one came once to each town
        stages=[StageTally(HIDA, "collect", 4), StageTally(HIDA, "deepen", 2), StageTally(HIDA, "connect", 1),
                StageTally(UNNAN, "deepen", 2)])
    assert (found.programs, found.open_programs, found.participations, found.people) == (4, 2, 6, 3)
    assert (found.repeaters, found.repeat_rate) == (2, round(2 / 3, 4))
    hida, unnan = found.by_municipality
    assert (hida.code, hida.name, hida.kana, hida.prefecture_code) == (HIDA, "岐阜県飛騨市", "ギフケンヒダシ", "21")
    assert (hida.programs, hida.open_programs, hida.participations, hida.people, hida.repeaters) == (3, 1, 4, 2, 1)
    assert hida.repeat_rate == 0.5 and (hida.collect, hida.deepen, hida.connect, hida.relations) == (4, 2, 1, 7)
    assert (unnan.name, unnan.participations, unnan.repeaters, unnan.repeat_rate) == ("島根県雲南市", 2, 0, 0.0)
    assert [(s.stage, s.ja, s.en, s.relations, s.reached) for s in found.funnel] == [
        ("collect", "集める", "Collect", 4, 9), ("deepen", "深める", "Deepen", 4, 5),
        ("connect", "つなげる", "Connect", 1, 1)]
    assert found.relations == 9
    assert (found.reference.programs, found.reference.participations, found.reference.municipality_code) == (
        236, 5806, HIDA)


def test_nothing_yet_gives_zeros_and_no_rate() -> None:
    found = figures()
    assert (found.programs, found.participations, found.people, found.repeat_rate, found.by_municipality) == (
        0, 0, 0, None, ())
    assert [s.relations for s in found.funnel] == [0, 0, 0]


def test_a_municipality_with_only_programs_has_no_repeat_rate() -> None:
    found = figures(tallies=[ProgramTally(HIDA, 2, 2)])
    assert [(r.programs, r.participations, r.people, r.repeat_rate, r.relations) for r in found.by_municipality] == [
        (2, 0, 0, None, 0)]


def test_a_municipality_off_the_list_is_named_as_the_events_named_it() -> None:
    found = figures(participants=[town(ODD, 1, 1, 0)], everyone=Participants(1, 1, 0),
                    stages=[StageTally("000000", "collect", 1)], names={ODD: "架空県架空町"})
    assert [(r.code, r.name, r.kana, r.people, r.repeat_rate) for r in found.by_municipality] == [
        ("000000", "000000", "", 0, None), (ODD, "架空県架空町", "", 1, 0.0)]


def test_an_unknown_stage_is_in_no_step_of_the_funnel() -> None:
    found = figures(stages=[StageTally(HIDA, "lapsed", 5), StageTally(HIDA, "deepen", 1)])
    assert [s.relations for s in found.funnel] == [0, 1, 0] and found.by_municipality[0].relations == 1


CODES = st.sampled_from([HIDA, UNNAN, ODD])
TALLIES = st.lists(st.builds(ProgramTally, municipality_code=CODES, programs=st.integers(0, 5),
                             open_programs=st.integers(0, 5)), max_size=4, unique_by=lambda t: t.municipality_code)
TOWNS = st.lists(st.builds(TownParticipants, municipality_code=CODES, participations=st.integers(1, 9),
                           people=st.integers(1, 9), repeaters=st.integers(0, 9)),
                 max_size=4, unique_by=lambda t: t.municipality_code)
STAGE_ROWS = st.lists(st.builds(StageTally, municipality_code=CODES,
                                stage=st.sampled_from(["collect", "deepen", "connect", "other"]),
                                relations=st.integers(0, 5)), max_size=12)


@given(TALLIES, TOWNS, STAGE_ROWS)
def test_every_row_and_step_adds_up_to_a_brute_force_recount(tallies: list[ProgramTally],
                                                             towns: list[TownParticipants],
                                                             stages: list[StageTally]) -> None:
    everyone = Participants(sum(t.participations for t in towns), sum(t.people for t in towns), 0)
    found = figures(tallies=tallies, participants=towns, everyone=everyone, stages=stages)
    known = [s for s in stages if s.stage in ("collect", "deepen", "connect")]
    codes = {t.municipality_code for t in tallies} | {t.municipality_code for t in towns} | {
        s.municipality_code for s in known}
    assert [r.code for r in found.by_municipality] == sorted(codes)
    assert found.programs == sum(t.programs for t in tallies) == sum(r.programs for r in found.by_municipality)
    assert found.open_programs == sum(t.open_programs for t in tallies)
    assert (found.participations, found.people, found.repeaters) == (everyone.participations, everyone.people, 0)
    by_code = {r.code: r for r in found.by_municipality}
    for t in towns:
        row = by_code[t.municipality_code]
        assert (row.participations, row.people, row.repeaters) == (t.participations, t.people, t.repeaters)
        assert row.repeat_rate == round(t.repeaters / t.people, 4)
    for stage in ("collect", "deepen", "connect"):
        assert sum(getattr(r, stage) for r in found.by_municipality) == sum(
            s.relations for s in known if s.stage == stage)
    steps = found.funnel
    assert steps[0].reached == found.relations == sum(s.relations for s in known)
    assert all(a.reached >= b.reached for a, b in zip(steps, steps[1:], strict=False))
    assert steps[-1].reached == steps[-1].relations


@given(st.dictionaries(st.sampled_from(["collect", "deepen", "connect", "other"]), st.integers(0, 9)))
def test_the_funnels_width_is_the_relations_at_a_stage_or_beyond(at_stage: dict[str, int]) -> None:
    steps = funnel(at_stage)
    for i, step in enumerate(steps):
        assert step.reached == sum(at_stage.get(s.stage, 0) for s in STAGES[i:])


def test_the_csv_has_totals_the_funnel_and_every_municipality() -> None:
    found = figures(tallies=[ProgramTally(HIDA, 2, 1)], participants=[town(HIDA, 3, 2, 1)],
                    everyone=Participants(3, 2, 1), stages=[StageTally(HIDA, "deepen", 2)])
    body = programs_csv(found, "ja")
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["プログラムと参加（2026-11-30 時点）"]
    assert rows[2] == ["2", "1", "3", "2", "1", "50.0%"]
    assert rows[7][:4] == ["深める", "deepen", "2", "2"]
    assert rows[12] == [HIDA, "岐阜県飛騨市", "ギフケンヒダシ", "2", "1", "3", "2", "1", "50.0%", "0", "2", "0"]
    english = list(csv.reader(io.StringIO(programs_csv(found, "en").decode("utf-8-sig"), newline="")))
    assert english[0] == ["Programs and participation (as of 2026-11-30)"] and english[7][0] == "Deepen"
