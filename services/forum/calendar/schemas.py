"""Café series' API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.forum.events.domain.rules import Mode
from services.forum.events.schemas import STRICT, EventRead, Hours, Seats


class SeriesCreate(BaseModel):
    """A café series: its dates follow `rrule` from `first_starts_at` (which must be the rule's
    first date), each date an event of its own with `capacity` seats."""

    model_config = STRICT

    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    rrule: Annotated[str, Field(min_length=1, max_length=500, examples=["FREQ=MONTHLY;BYDAY=3WE;COUNT=12"],
                                description="An RFC 5545 RRULE with COUNT or UNTIL, read in JST; at most 60 "
                                            "dates. A date-only or floating UNTIL is JST.")]
    first_starts_at: AwareDatetime
    duration_minutes: Annotated[int, Field(ge=5, le=24 * 60)]
    capacity: Seats
    mode: Mode = Mode.first_come
    join_url: Annotated[str | None, Field(max_length=2000, pattern=r"^https://")] = None
    join_opens_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 15
    per_org_cap: Annotated[int | None, Field(ge=1, le=10_000)] = None
    first_come_seats: Annotated[int | None, Field(ge=1, le=100_000)] = None
    lottery_closes_hours: Annotated[float | None, Field(gt=0, le=24 * 60)] = Field(
        None, description="Lottery and hybrid: each date's draw closes this many hours before it starts.")
    hold_hours: Hours | None = Field(24.0, description="As for an event: null turns double opt-in off.")
    offer_hours: Hours | None = None
    publish: bool = True


class SeriesRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    description: str
    rrule: str
    first_starts_at: datetime
    duration_minutes: int
    capacity: int
    mode: str
    status: str
    created_at: datetime
    feed_url: str = Field(description="The subscribable calendar of every date (webcal:// to subscribe).")
    dates: list[EventRead]
