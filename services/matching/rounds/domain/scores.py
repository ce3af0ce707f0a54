"""How a host ranks applicants "by score": a transparent rule, every term visible.

score = 2 × the share of the program's required skills the person has (2 when it requires none)
      + 1 × the share of its optional skills they have (0 when it lists none)
      + 1   if the program's municipality is one of their favourite regions (関係人口 registration)
      + 0.5 if it is in their home prefecture

Equal scores are ordered by the round's seed (`quality.host_ranking`), so nobody gains by
applying early, and the tie-breaks are reproducible from the seed revealed at the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.matching.rounds.domain.quality import host_ranking

REQUIRED_POINTS = 2.0
OPTIONAL_POINTS = 1.0
FAVOURITE_POINTS = 1.0
HOME_POINTS = 0.5


@dataclass(frozen=True, slots=True)
class ProgramNeeds:
    required_skills: frozenset[str]
    optional_skills: frozenset[str]
    municipality_code: str
    prefecture_code: str


@dataclass(frozen=True, slots=True)
class ApplicantFacts:
    skills: frozenset[str]
    favourite_codes: frozenset[str]
    home_prefecture_code: str | None


def applicant_score(program: ProgramNeeds, person: ApplicantFacts) -> float:
    required = (len(program.required_skills & person.skills) / len(program.required_skills)
                if program.required_skills else 1.0)
    optional = (len(program.optional_skills & person.skills) / len(program.optional_skills)
                if program.optional_skills else 0.0)
    score = REQUIRED_POINTS * required + OPTIONAL_POINTS * optional
    if program.municipality_code in person.favourite_codes:
        score += FAVOURITE_POINTS
    if person.home_prefecture_code == program.prefecture_code:
        score += HOME_POINTS
    return round(score, 6)  # exact ties stay ties, whatever the float sums' order


def ranked_by_score(program: ProgramNeeds, applicants: Mapping[str, ApplicantFacts], seed: str) -> list[str]:
    """The applicants, best first; equal scores in the seed's order."""
    return host_ranking({person: applicant_score(program, facts) for person, facts in applicants.items()}, seed)
