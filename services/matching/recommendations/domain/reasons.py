"""Why a result was recommended, in words a citizen understands, in Japanese and English.

The wording is neutral about who reads it: the same reasons explain a program to a person ("for
you") and a person to a host (scouting)."""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.recommendations.domain.facts import HelperFacts, ProgramFacts, in_vocabulary_order
from services.matching.recommendations.domain.features import Features
from services.matching.recommendations.domain.text import Searchable, coverages

SHOWN_INTERESTS = 3


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str  # a scoring component, e.g. "optional_skills"
    weight: float  # the points it added to the score: a result's reasons add up to its score
    ja: str
    en: str


def _skills(codes: frozenset[str]) -> tuple[str, str]:
    skills = in_vocabulary_order(codes)
    return "・".join(s.ja for s in skills), ", ".join(s.en for s in skills)


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _interests(helper: HelperFacts, program_text: Searchable) -> list[str]:
    """The interests the program's text is closest to, best first."""
    found = zip(coverages(helper.interests, program_text), helper.interests, strict=True)
    ranked = sorted((-c, i, text) for i, (c, text) in enumerate(found) if c > 0)
    return [text for _, _, text in ranked[:SHOWN_INTERESTS]]


def _distance(km: float) -> tuple[str, str]:
    if km < 1:
        return "距離 1 km 未満", "Less than 1 km away"
    return f"距離 {km:.0f} km", f"{km:.0f} km away"


def explain(kind: str, points: float, helper: HelperFacts, program: ProgramFacts, features: Features,
            program_text: Searchable) -> Reason:
    """The reason for one scoring component that added `points`."""
    place = program.municipality
    match kind:
        case "required_skills":
            ja, en = _skills(program.required_skills)
            ja, en = f"必要なスキルあり: {ja}", f"Has the required skills: {en}"
        case "optional_skills":
            ja, en = _skills(program.optional_skills & helper.skills)
            ja, en = f"スキルが一致: {ja}", f"Skills matched: {en}"
        case "interests":
            shown = _interests(helper, program_text)
            ja, en = f"関心に近い内容: {'・'.join(shown)}", f"Close to the interests: {', '.join(shown)}"
        case "distance":
            ja, en = _distance(float(features.distance_km))
        case "online":
            ja, en = "オンラインで参加できます", "Can take part online"
        case "availability":
            days = int(features.overlap_days)
            ja, en = f"日程が{days}日重なります", f"The dates overlap by {_days(days)}"
        case "past_relation":
            n = int(features.participations)
            ja, en = f"{place}に{n}回参加しています", f"Has taken part in {place} {_times(n)}"
        case "favourite":
            ja, en = f"{place}はお気に入りの地域です", f"{place} is a favourite region"
        case "home_prefecture":
            ja, en = "地元の都道府県のプログラムです", "In the home prefecture"
        case _:
            raise ValueError(f"no words for the component {kind!r}")
    return Reason(kind=kind, weight=round(points, 3), ja=ja, en=en)
