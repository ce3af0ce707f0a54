"""Rounds' API shapes: opening a round, people's and hosts' rankings, and what each may read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.matching.rounds.domain.rules import (
    MAX_PROGRAMS_PER_ROUND,
    MAX_RELAY_PROGRAMS,
    RankingMethod,
    RoundMode,
)

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
MAX_RANKED = 10_000


class RoundCreate(BaseModel):
    model_config = STRICT

    title: Annotated[str, Field(min_length=1, max_length=200)]
    program_ids: Annotated[list[UUID], Field(min_length=1, max_length=MAX_PROGRAMS_PER_ROUND,
                                             description="Published programs (the season)")]
    mode: RoundMode = RoundMode.stable
    max_programs: Annotated[int | None, Field(ge=1, le=MAX_RELAY_PROGRAMS, description=(
        "Programs per person: 1, or up to 5 in the relay (default 3 there)"))] = None


class WishSubmit(BaseModel):
    model_config = STRICT

    program_ids: Annotated[list[UUID], Field(min_length=1, max_length=MAX_PROGRAMS_PER_ROUND,
                                             description="The round's programs, your first choice first")]


class RankingSubmit(BaseModel):
    model_config = STRICT

    method: RankingMethod
    helper_ids: Annotated[list[UUID], Field(max_length=MAX_RANKED, description=(
        "With `manual`: the people who listed your program, best first; anyone left out is not acceptable"))] = []


class RoundProgramRead(BaseModel):
    program_id: UUID
    title: str
    municipality_code: str
    municipality: str
    starts_on: date
    ends_on: date
    capacity: int
    method: RankingMethod
    ranked_at: datetime | None


class RegionRead(BaseModel):
    region: str | None
    programs: int
    seats: int
    filled: int
    fill_rate: float | None
    mean_rank: float | None


class QualityReportRead(BaseModel):
    mode: RoundMode
    seed: str | None
    people: int
    matched: int
    seats: int
    fill_rate: float | None = Field(description="matched / seats")
    mean_rank: float | None
    rank_counts: dict[str, int] = Field(description="Rank in the person's own list (1 = first choice) → people")
    unmatched_people_count: int
    unmatched_seats_count: int
    blocking_pairs_count: int
    blocking_pairs: list[list[str]] = Field(description="[helper id, program id]: both would rather have the other")
    unmatched_people: list[str]
    unmatched_seats: dict[str, int]
    regions: list[RegionRead]


class RoundRead(BaseModel):
    id: UUID
    title: str
    mode: RoundMode
    max_programs: int
    status: str
    seed_hash: str = Field(description="SHA-256 of the seed (lowercase hex), published when the round opened")
    seed: str | None = Field(description="Revealed at the run; null until then")
    wishes: int = Field(description="People who submitted their ranking")
    programs: list[RoundProgramRead]
    report: QualityReportRead | None = Field(description="The quality report: operators only, once run")
    created_at: datetime
    run_at: datetime | None
    url: str


class PlacementRead(BaseModel):
    program_id: UUID
    title: str
    rank: int
    stage: int
    application_id: UUID


class WishRead(BaseModel):
    round_id: UUID
    status: str
    program_ids: list[UUID]
    submitted_at: datetime
    placements: list[PlacementRead] = Field(description="Where the round placed you, once run")


class ApplicantRead(BaseModel):
    helper_id: UUID
    name: str
    skills: list[str]
    choice: int = Field(description="Where the person put this program in their own list (1 = first)")
    score: float
    position: int | None = Field(description="Place in the host's ranking; null: not acceptable (manual)")
    placed: bool


class ApplicantsRead(BaseModel):
    round_id: UUID
    program_id: UUID
    method: RankingMethod
    applicants: list[ApplicantRead] = Field(description="In the host's order (by score: the seeded order)")
