"""Programs and relations as of a day D, for the country and per municipality.

- programs: published before D ended (JST), closed or not; open: not closed by then;
- participations (延べ): every participation dated D or earlier, once;
- people: the distinct people among them; repeaters: people with two or more participations
  (in the country for the totals, in the municipality for its row: someone who came once to
  each of two towns is a repeater of the country, not of either town);
- repeat rate: repeaters / people (None without people);
- the funnel 集める → 深める → つなげる: every (person, municipality) relation at the stage of its
  latest change dated D or earlier. `relations` stand at exactly that stage; `reached` stand there
  or beyond, the funnel's width at that step.

The rows passed in are already as of D and counted (the repository asks the database for exactly
that): programs per municipality, participants per municipality and in all, relations per
(municipality, stage).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from kit.gazetteer import LocalGovernment
from services.console.domain.rates import rate


@dataclass(frozen=True, slots=True)
class StageLabel:
    stage: str
    ja: str
    en: str


# In order along the funnel: each later stage is a deeper relation.
STAGES: tuple[StageLabel, ...] = (
    StageLabel("collect", "集める", "Collect"),
    StageLabel("deepen", "深める", "Deepen"),
    StageLabel("connect", "つなげる", "Connect"),
)
STAGE_NAMES = tuple(s.stage for s in STAGES)


@dataclass(frozen=True, slots=True)
class ProgramTally:
    """Programs of one municipality published by the cutoff, and of them those not closed by then."""

    municipality_code: str
    programs: int
    open_programs: int


@dataclass(frozen=True, slots=True)
class Participants:
    """Participations dated D or earlier, the distinct people among them, and those of them with two
    or more (repeaters)."""

    participations: int
    people: int
    repeaters: int


@dataclass(frozen=True, slots=True)
class TownParticipants(Participants):
    """The same within one municipality: a repeater came there at least twice."""

    municipality_code: str


@dataclass(frozen=True, slots=True)
class StageTally:
    """Relations with one municipality standing at one stage on D."""

    municipality_code: str
    stage: str
    relations: int


@dataclass(frozen=True, slots=True)
class FunnelStep:
    stage: str
    ja: str
    en: str
    relations: int  # standing at exactly this stage
    reached: int  # at this stage or beyond


@dataclass(frozen=True, slots=True)
class MunicipalityRow:
    code: str
    name: str  # full name, e.g. 岐阜県飛騨市
    kana: str  # its reading, for sorting and search; "" when not on the official list
    prefecture_code: str
    programs: int
    open_programs: int
    participations: int
    people: int
    repeaters: int
    collect: int
    deepen: int
    connect: int

    @property
    def repeat_rate(self) -> float | None:
        return rate(self.repeaters, self.people)

    @property
    def relations(self) -> int:
        return self.collect + self.deepen + self.connect


@dataclass(frozen=True, slots=True)
class HidasukeReference:
    """ヒダスケ! (飛騨市), the report's example of matching, for comparison."""

    municipality_code: str = "212172"
    programs: int = 236  # programs held in FY2024
    programs_fiscal_year: int = 2024
    participations: int = 5806  # participations (延べ) since 2020, as of November 2025
    participations_as_of: str = "2025-11"
    ja: str = "ヒダスケ！（岐阜県飛騨市）: 2024年度プログラム実施数236、延べ参加者5,806名（2025年11月時点）"
    en: str = ("Hidasuke! (Hida, Gifu): 236 programs held in FY2024, 5,806 participations in all "
               "(as of November 2025)")


@dataclass(frozen=True, slots=True)
class Programs:
    as_of: date
    cutoff: datetime
    programs: int
    open_programs: int
    participations: int
    people: int
    repeaters: int
    funnel: tuple[FunnelStep, ...]
    by_municipality: tuple[MunicipalityRow, ...]  # every municipality with a program, participation or relation
    reference: HidasukeReference

    @property
    def repeat_rate(self) -> float | None:
        return rate(self.repeaters, self.people)

    @property
    def relations(self) -> int:
        return sum(step.relations for step in self.funnel)


def funnel(at_stage: Mapping[str, int]) -> tuple[FunnelStep, ...]:
    """The funnel from the relations standing at each stage (unknown stages are not in it)."""
    return tuple(FunnelStep(stage=s.stage, ja=s.ja, en=s.en, relations=at_stage.get(s.stage, 0),
                            reached=sum(at_stage.get(later, 0) for later in STAGE_NAMES[i:]))
                 for i, s in enumerate(STAGES))


def programs(*, as_of: date, cutoff: datetime, tallies: Iterable[ProgramTally],
             participants: Iterable[TownParticipants], everyone: Participants, stages: Iterable[StageTally],
             names: Mapping[str, str], lgs: Mapping[str, LocalGovernment]) -> Programs:
    """`everyone`: the country's participants (a person who came once to each of two towns repeats in
    the country, in neither town); `names`: a municipality's name as the events gave it, for one not
    on the official list."""
    by_code_programs = {t.municipality_code: t for t in tallies}
    by_code_people = {p.municipality_code: p for p in participants}
    by_code_stages: dict[str, Counter[str]] = defaultdict(Counter)
    for s in stages:
        if s.stage in STAGE_NAMES:
            by_code_stages[s.municipality_code][s.stage] += s.relations
    none = Participants(participations=0, people=0, repeaters=0)
    rows: list[MunicipalityRow] = []
    for code in sorted({*by_code_programs, *by_code_people, *by_code_stages}):
        tally, seen, at_stage = by_code_programs.get(code), by_code_people.get(code, none), by_code_stages[code]
        lg = lgs.get(code)
        rows.append(MunicipalityRow(
            code=code, name=lg.full_name if lg else names.get(code, code), kana=_kana(lg), prefecture_code=code[:2],
            programs=tally.programs if tally else 0, open_programs=tally.open_programs if tally else 0,
            participations=seen.participations, people=seen.people, repeaters=seen.repeaters,
            collect=at_stage["collect"], deepen=at_stage["deepen"], connect=at_stage["connect"]))
    return Programs(
        as_of=as_of, cutoff=cutoff, programs=sum(r.programs for r in rows),
        open_programs=sum(r.open_programs for r in rows), participations=everyone.participations,
        people=everyone.people, repeaters=everyone.repeaters,
        funnel=funnel({s: sum(c[s] for c in by_code_stages.values()) for s in STAGE_NAMES}),
        by_municipality=tuple(rows), reference=HidasukeReference())


def _kana(lg: LocalGovernment | None) -> str:
    if lg is None:
        return ""
    return lg.prefecture_kana + lg.city_kana
