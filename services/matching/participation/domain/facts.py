"""The dated facts relation depth is computed from. Pure dataclasses.

Every fact carries the day it happened (a JST calendar day): stages and depth figures "as of" a
day are functions of the facts dated on or before it, so a late-arriving fact about the past
changes the past's figures, and a fact about tomorrow changes nothing about today.

Municipalities are 6-digit 全国地方公共団体コード ("212172" is 飛騨市); people and programs are
opaque ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple, TypeVar


class Relation(NamedTuple):
    """One person's relation with one municipality: what a stage belongs to."""

    person_id: str
    municipality_code: str


class InterestKind(StrEnum):
    registered = "registered"  # the municipality's 関係人口 registration (e.g. 飛騨市ファンクラブ)
    favourite = "favourite"  # marked the region as a favourite in matching


class Source(StrEnum):
    """Who says a person came."""

    host_confirmed = "host_confirmed"  # the host (ヌシ) confirmed the helper came
    forum_checkin = "forum_checkin"  # a forum check-in (forum.signup.checked_in.v1)


class Role(StrEnum):
    """Roles a person can take on for a region, beyond taking part."""

    host = "host"  # posts programs there (ヌシ)
    booth = "booth"  # staffs the region's booth at a forum
    speaker = "speaker"  # speaks for the region at a forum or café
    coordinator = "coordinator"  # coordinates helpers there for an intermediary organisation


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonFact:
    """Something a person did with a municipality, on a day."""

    person_id: str
    municipality_code: str
    on: date

    @property
    def relation(self) -> Relation:
        return Relation(self.person_id, self.municipality_code)


@dataclass(frozen=True, slots=True, kw_only=True)
class Interest(PersonFact):
    """Registered with, or marked as favourite, a municipality."""

    kind: InterestKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Participation(PersonFact):
    """Took part in a program (or a forum gathering) held in a municipality."""

    program_id: str
    source: Source

    @property
    def key(self) -> tuple[str, str, date]:
        """One person, one program, one day is one participation, however many sources confirm it
        (a host's confirmation and a forum check-in of the same day are the same visit)."""
        return (self.person_id, self.program_id, self.on)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleTaken(PersonFact):
    role: Role


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramPublished:
    """A program published in a municipality: no person, but counted in its depth figures."""

    program_id: str
    municipality_code: str
    on: date


Fact = Interest | Participation | RoleTaken | ProgramPublished
Dated = TypeVar("Dated", bound=PersonFact | ProgramPublished)


def known_on(facts: Iterable[Dated], as_of: date) -> list[Dated]:
    """The facts dated on or before `as_of`: all that any figure as of that day may depend on."""
    return [fact for fact in facts if fact.on <= as_of]
