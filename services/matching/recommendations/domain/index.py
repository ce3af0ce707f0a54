"""Recommendations both ways: the best programs for a person, the best candidates for a program.

Built once from the facts; then each query is answered in a few milliseconds for 10,000 rows. A
`FeatureScorer` (the default `WeightedScorer`) scores every row at once on precomputed arrays and
words reasons for the top k only; any other `Scorer` is asked about every row, one by one (the
simple, slower path). Results are deterministic: score, then id, decide the order.
Scouting only ever sees people who consented to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

from services.matching.recommendations.domain.facts import HelperFacts, ProgramFacts
from services.matching.recommendations.domain.features import Features, IntArray
from services.matching.recommendations.domain.reasons import Reason
from services.matching.recommendations.domain.scoring import FeatureScorer, Pair, Scored, Scorer, WeightedScorer
from services.matching.recommendations.domain.tables import HelperTable, ProgramTable

DEFAULT_K = 10


@dataclass(frozen=True, slots=True)
class Recommendation:
    program_id: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    helper_id: str
    score: float
    reasons: tuple[Reason, ...]


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Row = TypeVar("Row", bound=_HasId)


def _by_id(rows: Iterable[Row]) -> list[Row]:
    """Rows in id order, so a row's position is its rank in ties."""
    ordered = sorted(rows, key=lambda r: r.id)
    if any(a.id == b.id for a, b in zip(ordered, ordered[1:], strict=False)):
        raise ValueError("ids must be unique")
    return ordered


def top_positions(points: IntArray, k: int) -> list[int]:
    """The k best rows by points (negative: excluded), ties to the lower position (the lower id)."""
    n = len(points)
    key = np.where(points >= 0, points * n + (n - 1 - np.arange(n)), -1)  # one integer: points, then id
    top = np.argpartition(-key, k)[:k] if k < n else np.arange(n)
    best = top[np.argsort(-key[top], kind="stable")]
    return [int(i) for i in best if key[i] >= 0]


def _one_by_one(rows: Sequence[Row], k: int, score: Callable[[Row], Scored | None]) -> list[tuple[Row, Scored]]:
    """The simple path: every row scored on its own."""
    scored = [(row, s) for row in rows if (s := score(row)) is not None]
    scored.sort(key=lambda pair: -pair[1].score)  # stable: ties stay in id order
    return scored[:k]


def _at_once(rows: Sequence[Row], k: int, scorer: FeatureScorer, features: Features,
             pair: Callable[[Row], Pair]) -> list[tuple[Row, Scored]]:
    """The fast path: every row's points at once, then reasons for the top k only."""
    positions = top_positions(scorer.points(features), k)
    chosen = [rows[i] for i in positions]
    explained = scorer.explained(features.take(np.asarray(positions, dtype=np.int64)), [pair(r) for r in chosen])
    return [(row, s) for row, s in zip(chosen, explained, strict=True) if s is not None]


class ProgramIndex:
    """Programs for a person."""

    def __init__(self, programs: Iterable[ProgramFacts], scorer: Scorer = WeightedScorer()) -> None:
        self._programs = _by_id(programs)
        self._scorer = scorer
        self._fast = (scorer, ProgramTable(self._programs)) if isinstance(scorer, FeatureScorer) else None

    def __len__(self) -> int:
        return len(self._programs)

    def top_programs(self, helper: HelperFacts, k: int = DEFAULT_K) -> list[Recommendation]:
        if k <= 0:
            return []
        if self._fast is None:
            best = _one_by_one(self._programs, k, lambda p: self._scorer.score(helper, p))
        else:
            scorer, table = self._fast
            best = _at_once(self._programs, k, scorer, table.features(helper), lambda p: (helper, p))
        return [Recommendation(program_id=p.id, score=s.score, reasons=s.reasons) for p, s in best]


class CandidateIndex:
    """People for a program (scouting): only those who consented to be scouted are ever in it."""

    def __init__(self, helpers: Iterable[HelperFacts], scorer: Scorer = WeightedScorer()) -> None:
        self._helpers = _by_id(h for h in helpers if h.consent_to_scouting)
        self._scorer = scorer
        self._fast = (scorer, HelperTable(self._helpers)) if isinstance(scorer, FeatureScorer) else None

    def __len__(self) -> int:
        return len(self._helpers)

    def top_candidates(self, program: ProgramFacts, k: int = DEFAULT_K) -> list[Candidate]:
        if k <= 0:
            return []
        if self._fast is None:
            best = _one_by_one(self._helpers, k, lambda h: self._scorer.score(h, program))
        else:
            scorer, table = self._fast
            best = _at_once(self._helpers, k, scorer, table.features(program), lambda h: (h, program))
        return [Candidate(helper_id=h.id, score=s.score, reasons=s.reasons) for h, s in best]
