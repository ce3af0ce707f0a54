"""The pluggable scorer, and the default: a transparent weighted sum whose every term is a reason.

score = Σ weight × value over `COMPONENTS`, each value between 0 and 1 (see `Weights`). Each term
above zero becomes a `Reason` whose weight is the points it added, so a result's reasons add up to
its score. Scores are compared as integer millionths, ties broken by id by the indexes.

Rules, decided:
- A person who lacks a required skill is excluded, not penalised: a required skill is the host's
  condition (a driving licence, experience of snow clearing), and a program the person cannot be
  accepted for, or a candidate the host cannot take, helps neither side.
- An onsite program beyond the person's maximum travel is excluded. An online program has no
  distance and is excluded only for someone who does not take part online.
- When both the program's dates and the person's availability are given and share no day, the
  pair is excluded; when either is missing, availability neither scores nor excludes. An unknown
  home likewise scores no distance and excludes nothing.
- A full program (no seats left) is not offered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Protocol, runtime_checkable

import numpy as np

from services.matching.recommendations.domain.facts import HelperFacts, ProgramFacts
from services.matching.recommendations.domain.features import BoolArray, Features, FloatArray, IntArray, pair_features
from services.matching.recommendations.domain.reasons import Reason, explain
from services.matching.recommendations.domain.text import Searchable

QUANTUM = 1_000_000  # scores are ranked as integer millionths: equal for both paths, exact ties for the id
REACH_KM = 300.0  # where closeness reaches 0 for a person who travels any distance
WEEK = 7  # availability counts up to a week in common
RELATION_CAP = 3  # past participations count up to three


@dataclass(frozen=True, slots=True)
class Weights:
    """Points for each component at full value, in the order they are summed."""

    required_skills: float = 2.0  # has every skill the program requires (0 when it requires none)
    optional_skills: float = 2.0  # × the share of the optional skills the person has
    interests: float = 3.0  # × the best coverage of one interest by the program's text
    distance: float = 1.5  # × closeness: 1 at home, 0 at the maximum travel (or REACH_KM)
    online: float = 0.75  # an online program, for a person who takes part online
    availability: float = 1.5  # × days in common / days the program needs, both capped at WEEK
    past_relation: float = 2.0  # × participations in the municipality / RELATION_CAP, capped at 1
    favourite: float = 1.0  # the municipality is a favourite (関係人口 registration)
    home_prefecture: float = 0.5  # the program is in the person's home prefecture


COMPONENTS: tuple[str, ...] = tuple(f.name for f in fields(Weights))


Pair = tuple[HelperFacts, ProgramFacts]


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    reasons: tuple[Reason, ...]  # strongest first


class Scorer(Protocol):
    def score(self, helper: HelperFacts, program: ProgramFacts) -> Scored | None:
        """The pair's score and reasons, or None when the pair is excluded."""
        ...


@runtime_checkable
class FeatureScorer(Scorer, Protocol):
    """A scorer that is a function of the pairs' `Features`: an index scores all its rows with
    `points` at once, then has only the top k `explained`. The contract: `score(h, p)` equals
    `explained(pair_features(h, p, …), [(h, p)])[0]`, which is None where `points` is negative and
    else has the score points / QUANTUM."""

    def points(self, features: Features) -> IntArray:
        """Integer millionths of the score for each pair, -1 where excluded."""
        ...

    def explained(self, features: Features, pairs: Sequence[Pair]) -> list[Scored | None]:
        """Score and reasons for each of the pairs that `features` describes, in order."""
        ...


def excluded(f: Features) -> BoolArray:
    return np.asarray(
        (f.missing_required > 0) | (f.seats_left <= 0) | (f.online & ~f.online_ok)
        | (f.distance_km > f.max_travel_km)  # NaN (online, or no home) compares False
        | (f.availability_stated & (f.program_days > 0) & (f.overlap_days == 0)), dtype=np.bool_)


def _share(part: IntArray, whole: IntArray) -> FloatArray:
    return np.asarray(np.where(whole > 0, part / np.maximum(whole, 1), 0.0), dtype=np.float64)


def values(f: Features) -> dict[str, FloatArray]:
    """Each component's value, 0–1."""
    reach = np.where(np.isinf(f.max_travel_km), REACH_KM, np.maximum(f.max_travel_km, 1.0))
    closeness = np.where(np.isnan(f.distance_km), 0.0, np.clip(1.0 - f.distance_km / reach, 0.0, 1.0))
    dated = f.availability_stated & (f.program_days > 0)
    return {
        "required_skills": (f.required > 0).astype(np.float64),
        "optional_skills": _share(f.optional_matched, f.optional),
        "interests": f.interest_coverage,
        "distance": np.asarray(closeness, dtype=np.float64),
        "online": (f.online & f.online_ok).astype(np.float64),
        "availability": _share(np.where(dated, np.minimum(f.overlap_days, WEEK), 0), np.minimum(f.program_days, WEEK)),
        "past_relation": np.minimum(f.participations, RELATION_CAP) / RELATION_CAP,
        "favourite": f.favourite.astype(np.float64),
        "home_prefecture": f.home_prefecture.astype(np.float64),
    }


@dataclass(frozen=True, slots=True)
class WeightedScorer:
    """The default scorer; the indexes score with it vectorised (it is a `FeatureScorer`)."""

    weights: Weights = Weights()

    def terms(self, f: Features) -> dict[str, FloatArray]:
        """The points each component adds."""
        return {kind: getattr(self.weights, kind) * value for kind, value in values(f).items()}

    def _points(self, f: Features, terms: dict[str, FloatArray]) -> IntArray:
        total = np.zeros((), dtype=np.float64)
        for kind in COMPONENTS:  # always in this order, so one pair and a catalogue add up alike
            total = total + terms[kind]
        return np.asarray(np.where(excluded(f), -1, np.floor(total * QUANTUM + 0.5)), dtype=np.int64)

    def points(self, features: Features) -> IntArray:
        return self._points(features, self.terms(features))

    def explained(self, features: Features, pairs: Sequence[Pair]) -> list[Scored | None]:
        shape = (len(pairs),)
        terms = {kind: np.broadcast_to(term, shape) for kind, term in self.terms(features).items()}
        points = np.broadcast_to(self._points(features, terms), shape)
        out: list[Scored | None] = []
        for i, (helper, program) in enumerate(pairs):
            if points[i] < 0:
                out.append(None)
                continue
            row, text = features.row(i), Searchable(program.text)
            reasons = [explain(kind, float(term[i]), helper, program, row, text)
                       for kind, term in terms.items() if term[i] > 0]
            reasons.sort(key=lambda r: (-r.weight, COMPONENTS.index(r.kind)))
            out.append(Scored(score=int(points[i]) / QUANTUM, reasons=tuple(reasons)))
        return out

    def score(self, helper: HelperFacts, program: ProgramFacts) -> Scored | None:
        return self.explained(pair_features(helper, program, Searchable(program.text)), [(helper, program)])[0]
