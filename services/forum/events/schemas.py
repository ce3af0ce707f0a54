"""Events' API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.forum.events.domain.rules import Kind, Mode

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
Seats = Annotated[int, Field(ge=1, le=100_000)]
Hours = Annotated[float, Field(gt=0, le=24 * 30)]


class EventCreate(BaseModel):
    model_config = STRICT

    kind: Kind
    title: Annotated[str, Field(min_length=1, max_length=200)]
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: Seats
    mode: Mode = Mode.first_come
    description: Annotated[str, Field(max_length=10_000)] = ""
    block: Annotated[str | None, Field(max_length=32)] = None
    venue: Annotated[str | None, Field(max_length=300)] = None
    online: bool | None = Field(None, description="Default: true for the national forum and cafés.")
    join_url: Annotated[str | None, Field(max_length=2000, pattern=r"^https://")] = None
    join_opens_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 15
    reserved: Annotated[int, Field(ge=0, le=100_000)] = 0
    per_org_cap: Annotated[int | None, Field(ge=1, le=10_000)] = None
    first_come_seats: Annotated[int | None, Field(ge=1, le=100_000)] = None
    lottery_closes_at: AwareDatetime | None = None
    hold_hours: Hours | None = Field(24.0, description="Hold a public signup's seat this long for its address "
                                                       "to be verified; null turns double opt-in off.")
    offer_hours: Hours | None = Field(None, description="A promoted person has this long to accept; null: "
                                                        "confirmed outright.")
    reconfirm_hours: Hours | None = None
    networking_starts_at: AwareDatetime | None = Field(None, description="Block forums: when talks between "
                                                                        "organizations can be booked.")
    networking_ends_at: AwareDatetime | None = None
    slot_minutes: Annotated[int, Field(ge=5, le=120)] = 15
    publish: bool = True


class EventUpdate(BaseModel):
    model_config = STRICT

    title: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    description: Annotated[str | None, Field(max_length=10_000)] = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    capacity: Seats | None = None
    venue: Annotated[str | None, Field(max_length=300)] = None
    join_url: Annotated[str | None, Field(max_length=2000, pattern=r"^https://")] = None


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    series_id: UUID | None
    kind: str
    title: str
    description: str
    block: str | None
    venue: str | None
    online: bool
    starts_at: datetime
    ends_at: datetime
    capacity: int
    reserved: int
    confirmed: int
    held: int
    waitlisted: int
    mode: str
    first_come_seats: int | None
    lottery_closes_at: datetime | None
    networking_starts_at: datetime | None
    networking_ends_at: datetime | None
    slot_minutes: int
    join_opens_minutes: int
    status: str
    sequence: int
