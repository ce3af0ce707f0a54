"""Small bases' API shapes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.registry.membership.schemas import STRICT, Tags


class SmallBaseCreate(BaseModel):
    model_config = STRICT

    name: str = Field(min_length=1, max_length=200)
    municipality_code: str = Field(min_length=1, max_length=20)
    services: Tags = []
    operator_member_id: UUID | None = None  # the RMO member running it; an RMO registering runs it itself
    opened_on: date | None = None


class SmallBaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    member_id: UUID
    name: str
    municipality_code: str
    prefecture_code: str
    services: list[str]
    operator_member_id: UUID | None
    opened_on: date | None


class SmallBaseStats(BaseModel):
    total: int
    run_by_rmo: int
    by_prefecture: dict[str, int]
    national_target: int
    reference: dict[str, int]
