"""Booths' API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BoothCreate(BaseModel):
    model_config = STRICT

    title: Annotated[str, Field(min_length=1, max_length=200, description="What the booth shows, e.g. the "
                                                                        "organization and its theme.")]
    description: Annotated[str, Field(max_length=5000)] = ""
    member_id: UUID | None = Field(None, description="Operators applying for a member; a member's admin "
                                                     "applies for their own member (the default).")


class BoothRead(BaseModel):
    id: UUID
    event_id: UUID
    member_id: UUID
    member_name: str | None
    title: str
    description: str
    status: str
    created_at: datetime
    decided_at: datetime | None
