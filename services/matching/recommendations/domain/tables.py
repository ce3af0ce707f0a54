"""The indexes' precomputed arrays, and the `Features` of one query against all their rows at once.

Built once per index: skills as uint64 bitsets (counted with `np.bitwise_count`), coordinates,
date windows as day numbers, n-gram sets as an inverted index of integer ids. A query then costs a
few numpy passes over the rows instead of a Python loop over them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from services.matching.recommendations.domain.facts import DateWindow, HelperFacts, ProgramFacts, days_in, skill_bits
from services.matching.recommendations.domain.features import (
    BoolArray,
    Features,
    FloatArray,
    IntArray,
    bools,
    floats,
    ints,
)
from services.matching.recommendations.domain.geo import haversine_km
from services.matching.recommendations.domain.text import grams

SkillArray = np.ndarray[tuple[int], np.dtype[np.uint64]]


def _skill_array(sets: Iterable[frozenset[str]]) -> SkillArray:
    return np.fromiter((skill_bits(s) for s in sets), dtype=np.uint64)


def _count(bits: SkillArray | np.uint64) -> IntArray:
    return ints(np.bitwise_count(bits))


class Postings:
    """An inverted index of n-grams: for each gram's id, the rows whose text has it (CSR)."""

    def __init__(self, gram_sets: Iterable[frozenset[str]]) -> None:
        self.vocabulary: dict[str, int] = {}
        ids: list[IntArray] = []
        for gs in gram_sets:
            ids.append(np.fromiter((self.vocabulary.setdefault(g, len(self.vocabulary)) for g in gs), dtype=np.int64))
        gram_ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
        owners = np.repeat(np.arange(len(ids), dtype=np.int64), [len(a) for a in ids])
        order = np.argsort(gram_ids, kind="stable")
        self.rows = owners[order].astype(np.int32)  # the bulk of an index: half the memory of int64
        self.indptr: IntArray = ints(np.concatenate(([0], np.cumsum(np.bincount(gram_ids,
                                                                                minlength=len(self.vocabulary))))))
        self.n_rows = len(ids)

    def matched(self, queries: Sequence[frozenset[str]]) -> IntArray:
        """How many of each query's grams each row has: shape (len(queries), rows)."""
        found = [[self.vocabulary[g] for g in q if g in self.vocabulary] for q in queries]
        gram_ids = np.fromiter((i for f in found for i in f), dtype=np.int64)
        query_of = np.repeat(np.arange(len(queries), dtype=np.int64), [len(f) for f in found])
        starts, lengths = self.indptr[gram_ids], self.indptr[gram_ids + 1] - self.indptr[gram_ids]
        # every posting of every gram, without a Python loop over the grams
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        cells = np.repeat(query_of, lengths) * self.n_rows + self.rows[positions]
        return ints(np.bincount(cells, minlength=len(queries) * self.n_rows).reshape(len(queries), self.n_rows))


class Windows:
    """Many owners' merged date windows, flat, as day numbers."""

    def __init__(self, per_owner: Sequence[tuple[DateWindow, ...]]) -> None:
        self.n = len(per_owner)
        self.owner: IntArray = np.repeat(np.arange(self.n, dtype=np.int64), [len(ws) for ws in per_owner])
        self.starts: IntArray = np.fromiter((w.start.toordinal() for ws in per_owner for w in ws), dtype=np.int64)
        self.ends: IntArray = np.fromiter((w.end.toordinal() for ws in per_owner for w in ws), dtype=np.int64)
        self.days: IntArray = ints(np.bincount(self.owner, weights=self.ends - self.starts + 1, minlength=self.n))
        self.stated: BoolArray = np.fromiter((bool(ws) for ws in per_owner), dtype=np.bool_, count=self.n)

    def overlap_days(self, windows: tuple[DateWindow, ...]) -> IntArray:
        """Days each owner shares with `windows` (merged, so no day counts twice)."""
        shared = np.zeros(len(self.starts), dtype=np.int64)
        for w in windows:
            start, end = w.start.toordinal(), w.end.toordinal()
            shared += np.clip(np.minimum(self.ends, end) - np.maximum(self.starts, start) + 1, 0, None)
        return ints(np.bincount(self.owner, weights=shared, minlength=self.n))


def _codes(values: Iterable[str | None]) -> tuple[dict[str, int], IntArray]:
    """Small integer codes for strings (-1 for None), so comparisons are integer ones."""
    table: dict[str, int] = {}
    coded = [-1 if v is None else table.setdefault(v, len(table)) for v in values]
    return table, ints(np.asarray(coded, dtype=np.int64))


class ProgramTable:
    """A catalogue of programs, scored against one person at a time."""

    def __init__(self, programs: Sequence[ProgramFacts]) -> None:
        self.required = _skill_array(p.required_skills for p in programs)
        self.optional = _skill_array(p.optional_skills for p in programs)
        self.required_count, self.optional_count = _count(self.required), _count(self.optional)
        self.online: BoolArray = np.fromiter((p.online for p in programs), dtype=np.bool_, count=len(programs))
        self.lat: FloatArray = np.fromiter((p.lat for p in programs), dtype=np.float64, count=len(programs))
        self.lon: FloatArray = np.fromiter((p.lon for p in programs), dtype=np.float64, count=len(programs))
        self.windows = Windows([p.windows for p in programs])
        self.seats = ints(np.asarray([p.seats_left for p in programs], dtype=np.int64))
        self.municipalities, self.municipality = _codes(p.municipality_code for p in programs)
        self.prefectures, self.prefecture = _codes(p.prefecture_code for p in programs)
        self.postings = Postings(grams(p.text) for p in programs)

    def _coverage(self, helper: HelperFacts) -> FloatArray:
        queries = [q for q in map(grams, helper.interests) if q]
        if not queries:
            return np.zeros(len(self.lat), dtype=np.float64)
        sizes = np.asarray([len(q) for q in queries], dtype=np.int64)
        return floats((self.postings.matched(queries) / sizes[:, None]).max(axis=0))

    def _per_municipality(self, counts: dict[str, int]) -> IntArray:
        by_code = np.zeros(len(self.municipalities), dtype=np.int64)
        for code, n in counts.items():
            if code in self.municipalities:
                by_code[self.municipalities[code]] = n
        return ints(by_code[self.municipality])

    def _home_prefecture(self, code: str | None) -> BoolArray:
        if code is None or code not in self.prefectures:
            return np.zeros(len(self.prefecture), dtype=np.bool_)
        return np.asarray(self.prefecture == self.prefectures[code], dtype=np.bool_)

    def features(self, helper: HelperFacts) -> Features:
        bits = np.uint64(skill_bits(helper.skills))
        home = helper.home
        distance = (np.full(len(self.lat), np.nan) if home is None
                    else np.where(self.online, np.nan, haversine_km(home[0], home[1], self.lat, self.lon)))
        return Features(
            missing_required=_count(self.required & ~bits),
            required=self.required_count,
            optional_matched=_count(self.optional & bits),
            optional=self.optional_count,
            interest_coverage=self._coverage(helper),
            online=self.online,
            online_ok=bools(helper.online_ok),
            distance_km=floats(distance),
            max_travel_km=floats(np.inf if helper.max_travel_km is None else helper.max_travel_km),
            overlap_days=self.windows.overlap_days(helper.availability),
            program_days=self.windows.days,
            availability_stated=bools(bool(helper.availability)),
            participations=self._per_municipality(dict(helper.past_relations)),
            favourite=self._per_municipality(dict.fromkeys(helper.favourite_municipalities, 1)) > 0,
            home_prefecture=self._home_prefecture(helper.home_prefecture_code),
            seats_left=self.seats,
        )


class HelperTable:
    """A pool of people, scored against one program at a time (scouting)."""

    def __init__(self, helpers: Sequence[HelperFacts]) -> None:
        n = len(helpers)
        self.n = n
        self.skills = _skill_array(h.skills for h in helpers)
        self.online_ok: BoolArray = np.fromiter((h.online_ok for h in helpers), dtype=np.bool_, count=n)
        self.lat: FloatArray = np.fromiter((np.nan if h.home_lat is None else h.home_lat for h in helpers),
                                           dtype=np.float64, count=n)
        self.lon: FloatArray = np.fromiter((np.nan if h.home_lon is None else h.home_lon for h in helpers),
                                           dtype=np.float64, count=n)
        self.max_travel: FloatArray = np.fromiter((np.inf if h.max_travel_km is None else h.max_travel_km
                                                   for h in helpers), dtype=np.float64, count=n)
        self.windows = Windows([h.availability for h in helpers])
        self.prefectures, self.prefecture = _codes(h.home_prefecture_code for h in helpers)
        # one row per interest that has n-grams; rows of one person are contiguous
        rows = [(i, q) for i, h in enumerate(helpers) for q in map(grams, h.interests) if q]
        self.row_owner = ints(np.asarray([i for i, _ in rows], dtype=np.int64))
        self.row_size = ints(np.asarray([len(q) for _, q in rows], dtype=np.int64))
        self.owners, self.first_row = np.unique(self.row_owner, return_index=True)
        self.postings = Postings(q for _, q in rows)
        relations: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
        favourites: defaultdict[str, list[int]] = defaultdict(list)
        for i, h in enumerate(helpers):
            for code, times in h.past_relations.items():
                relations[code].append((i, times))
            for code in h.favourite_municipalities:
                favourites[code].append(i)
        self.relations = {code: (ints(np.asarray([i for i, _ in pairs], dtype=np.int64)),
                                 ints(np.asarray([t for _, t in pairs], dtype=np.int64)))
                          for code, pairs in relations.items()}
        self.favourites = {code: ints(np.asarray(people, dtype=np.int64)) for code, people in favourites.items()}

    def _coverage(self, program_grams: frozenset[str]) -> FloatArray:
        best = np.zeros(self.n, dtype=np.float64)
        if len(self.row_owner):
            per_row = self.postings.matched([program_grams])[0] / self.row_size
            best[self.owners] = np.maximum.reduceat(per_row, self.first_row)
        return best

    def _participations(self, code: str) -> IntArray:
        counts = np.zeros(self.n, dtype=np.int64)
        if code in self.relations:
            people, times = self.relations[code]
            counts[people] = times
        return counts

    def _favourite(self, code: str) -> BoolArray:
        chosen = np.zeros(self.n, dtype=np.bool_)
        chosen[self.favourites.get(code, np.zeros(0, dtype=np.int64))] = True
        return chosen

    def features(self, program: ProgramFacts) -> Features:
        distance = (np.full(self.n, np.nan) if program.online
                    else haversine_km(self.lat, self.lon, program.lat, program.lon))
        windows = program.windows
        return Features(
            missing_required=_count(np.uint64(skill_bits(program.required_skills)) & ~self.skills),
            required=ints(len(program.required_skills)),
            optional_matched=_count(np.uint64(skill_bits(program.optional_skills)) & self.skills),
            optional=ints(len(program.optional_skills)),
            interest_coverage=self._coverage(grams(program.text)),
            online=bools(program.online),
            online_ok=self.online_ok,
            distance_km=floats(distance),
            max_travel_km=self.max_travel,
            overlap_days=self.windows.overlap_days(windows),
            program_days=ints(days_in(windows)),
            availability_stated=self.windows.stated,
            participations=self._participations(program.municipality_code),
            favourite=self._favourite(program.municipality_code),
            home_prefecture=self.prefecture == self.prefectures.get(program.prefecture_code, -2),  # -2: no one
            seats_left=ints(program.seats_left),
        )

