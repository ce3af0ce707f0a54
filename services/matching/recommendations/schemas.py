"""Recommendations' API shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReasonRead(BaseModel):
    kind: str = Field(description="The scoring component, e.g. optional_skills, distance, past_relation")
    weight: float = Field(description="The points it added: a result's reasons add up to its score")
    ja: str
    en: str


class RecommendedProgram(BaseModel):
    program_id: UUID
    title: str
    municipality_code: str
    municipality: str
    starts_on: date
    ends_on: date
    online: bool
    okaeshi: str
    url: str
    score: float
    reasons: list[ReasonRead]


class CandidateRead(BaseModel):
    helper_id: UUID
    name: str
    score: float
    reasons: list[ReasonRead]
    scouted: bool = Field(description="A scout was already sent to this person for this program")


class ScoutCreate(BaseModel):
    model_config = STRICT

    helper_id: UUID
    message: Annotated[str, Field(max_length=2000)] = ""


class ScoutRead(BaseModel):
    id: UUID
    program_id: UUID
    helper_id: UUID
    message: str
    reasons: list[str] = Field(description="Why the person was suggested, in their language, as sent")
    created_at: datetime
