"""What recommendations are computed from: a program's and a helper's facts, already read from the
database, plus the controlled skill vocabulary. Dates are whole days; windows are inclusive and
kept sorted and merged, so the days two sets of windows share are a plain sum of overlaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from services.matching.programs.domain.skills import SKILLS as PROGRAM_SKILLS


@dataclass(frozen=True, slots=True)
class Skill:
    code: str
    ja: str
    en: str


# The controlled vocabulary is the one programs and profiles are written in (programs/domain/skills.py,
# what the API accepts); its order is each skill's bit in the indexes' bitsets (at most 64).
SKILLS: Mapping[str, Skill] = MappingProxyType({code: Skill(code, ja, en) for code, (ja, en) in PROGRAM_SKILLS.items()})
SKILL_BITS: Mapping[str, int] = MappingProxyType({code: 1 << i for i, code in enumerate(SKILLS)})
assert len(SKILLS) <= 64, "skills are uint64 bitsets in the indexes"


def skill_bits(codes: Iterable[str]) -> int:
    bits = 0
    for code in codes:
        bits |= SKILL_BITS[code]
    return bits


def in_vocabulary_order(codes: Iterable[str]) -> list[Skill]:
    chosen = set(codes)
    return [skill for code, skill in SKILLS.items() if code in chosen]


def _check_skills(codes: frozenset[str]) -> None:
    unknown = codes - SKILLS.keys()
    if unknown:
        raise ValueError(f"unknown skills {sorted(unknown)}: use codes from SKILLS")


@dataclass(frozen=True, slots=True, order=True)
class DateWindow:
    """An inclusive range of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a window ends before it starts: {self.start} → {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def merged(windows: Iterable[DateWindow]) -> tuple[DateWindow, ...]:
    """Sorted, with overlapping or adjacent windows joined."""
    out: list[DateWindow] = []
    for w in sorted(windows):
        if out and w.start.toordinal() <= out[-1].end.toordinal() + 1:
            out[-1] = DateWindow(out[-1].start, max(out[-1].end, w.end))
        else:
            out.append(w)
    return tuple(out)


def days_in(windows: Iterable[DateWindow]) -> int:
    return sum(w.days for w in windows)


def overlap_days(a: tuple[DateWindow, ...], b: tuple[DateWindow, ...]) -> int:
    """Days in both; each side merged, so no day is counted twice."""
    return sum(max(0, (min(x.end, y.end) - max(x.start, y.start)).days + 1) for x in a for y in b)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramFacts:
    id: str
    title: str
    municipality_code: str
    municipality: str  # its name, as people read it in the reasons
    prefecture_code: str
    lat: float  # the municipality's coordinates, from the official list
    lon: float
    seats_left: int  # 0: full, so not offered
    description: str = ""
    dates: tuple[DateWindow, ...] = ()  # fixed dates; none, and no season, means "any time"
    season: DateWindow | None = None  # or a season window to come within
    online: bool = False
    required_skills: frozenset[str] = frozenset()
    optional_skills: frozenset[str] = frozenset()
    tags: tuple[str, ...] = ()  # free

    def __post_init__(self) -> None:
        _check_skills(self.required_skills | self.optional_skills)
        object.__setattr__(self, "dates", merged(self.dates))

    @property
    def windows(self) -> tuple[DateWindow, ...]:
        return merged((*self.dates, self.season)) if self.season is not None else self.dates

    @property
    def text(self) -> str:
        """What interests are matched against."""
        return "\n".join((self.title, self.description, *self.tags))


@dataclass(frozen=True, slots=True, kw_only=True)
class HelperFacts:
    id: str
    skills: frozenset[str] = frozenset()
    interests: tuple[str, ...] = ()  # free tags or short texts
    home_prefecture_code: str | None = None
    home_lat: float | None = None  # None: distance unknown, so neither scored nor a reason to exclude
    home_lon: float | None = None
    availability: tuple[DateWindow, ...] = ()  # none: not stated, so any date may do
    max_travel_km: float | None = None  # None: any distance
    online_ok: bool = False
    favourite_municipalities: frozenset[str] = frozenset()  # 関係人口 registrations, like a fan club
    past_relations: Mapping[str, int] = field(default_factory=dict)  # municipality code → participations
    consent_to_scouting: bool = False

    def __post_init__(self) -> None:
        _check_skills(self.skills)
        if (self.home_lat is None) != (self.home_lon is None):
            raise ValueError("home coordinates come as a pair")
        if any(n < 0 for n in self.past_relations.values()):
            raise ValueError("participations are counts")
        object.__setattr__(self, "availability", merged(self.availability))
        object.__setattr__(self, "past_relations", MappingProxyType(dict(self.past_relations)))

    @property
    def home(self) -> tuple[float, float] | None:
        return None if self.home_lat is None or self.home_lon is None else (self.home_lat, self.home_lon)
