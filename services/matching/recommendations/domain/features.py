"""What the default scorer sees of a pair (a person, a program): counts, shares, a distance, days.

`Features` holds arrays: one element per pair when an index scores a whole catalogue at once, 0-d
arrays for a single pair, and 0-d arrays for a side that is the same for every pair (numpy
broadcasts). `pair_features` measures one pair straight from the facts; the indexes measure
thousands from precomputed arrays, and a test checks the two agree."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import numpy.typing as npt

from services.matching.recommendations.domain.facts import HelperFacts, ProgramFacts, days_in, overlap_days
from services.matching.recommendations.domain.geo import haversine_km
from services.matching.recommendations.domain.text import Searchable, coverages

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Features:
    missing_required: IntArray  # required skills the person lacks
    required: IntArray  # the program's required skills
    optional_matched: IntArray  # the program's optional skills the person has
    optional: IntArray
    interest_coverage: FloatArray  # the best coverage of one of the person's interests (0–1)
    online: BoolArray  # the program is online
    online_ok: BoolArray
    distance_km: FloatArray  # NaN: online, or the person's home is not known
    max_travel_km: FloatArray  # inf: any distance
    overlap_days: IntArray  # days both the program and the person have
    program_days: IntArray  # 0: the program has no dates (any time)
    availability_stated: BoolArray  # the person gave availability windows
    participations: IntArray  # the person's past participations in the program's municipality
    favourite: BoolArray  # the program's municipality is one of the person's favourites
    home_prefecture: BoolArray  # the program is in the person's home prefecture
    seats_left: IntArray

    def take(self, positions: IntArray) -> Features:
        """The pairs at `positions` (a side the same for every pair stays as it is)."""
        return replace(self, **{f.name: a[positions] for f in fields(self) if (a := getattr(self, f.name)).ndim})

    def row(self, i: int) -> Features:
        """One pair, as 0-d arrays."""
        return replace(self, **{f.name: a[i, ...] for f in fields(self) if (a := getattr(self, f.name)).ndim})


def ints(value: int | IntArray | npt.NDArray[np.uint8]) -> IntArray:
    return np.asarray(value, dtype=np.int64)


def floats(value: float | FloatArray) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


def bools(value: bool | BoolArray) -> BoolArray:
    return np.asarray(value, dtype=np.bool_)


def _distance_km(helper: HelperFacts, program: ProgramFacts) -> float:
    home = helper.home
    if program.online or home is None:
        return math.nan
    return float(haversine_km(home[0], home[1], program.lat, program.lon))


def pair_features(helper: HelperFacts, program: ProgramFacts, program_text: Searchable) -> Features:
    """One pair, measured from the facts; `program_text` is `Searchable(program.text)`."""
    windows = program.windows
    return Features(
        missing_required=ints(len(program.required_skills - helper.skills)),
        required=ints(len(program.required_skills)),
        optional_matched=ints(len(program.optional_skills & helper.skills)),
        optional=ints(len(program.optional_skills)),
        interest_coverage=floats(max(coverages(helper.interests, program_text), default=0.0)),
        online=bools(program.online),
        online_ok=bools(helper.online_ok),
        distance_km=floats(_distance_km(helper, program)),
        max_travel_km=floats(math.inf if helper.max_travel_km is None else helper.max_travel_km),
        overlap_days=ints(overlap_days(windows, helper.availability)),
        program_days=ints(days_in(windows)),
        availability_stated=bools(bool(helper.availability)),
        participations=ints(helper.past_relations.get(program.municipality_code, 0)),
        favourite=bools(program.municipality_code in helper.favourite_municipalities),
        home_prefecture=bools(program.prefecture_code == helper.home_prefecture_code),
        seats_left=ints(program.seats_left),
    )
