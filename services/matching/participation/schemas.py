"""Participation's API shapes."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ParticipationCreate(BaseModel):
    model_config = STRICT

    helper_id: UUID = Field(description="The person who came (their platform user id)")
    on: date | None = Field(None, description="The day they came (JST), within the program's days and not in the "
                                              "future; the program's first day if not given")


class ParticipationRead(BaseModel):
    id: UUID
    helper_id: UUID
    program_id: UUID | None
    municipality_code: str | None = Field(description="None: a forum gathering counted for the network only")
    on: date
    source: str = Field(description="host_confirmed | forum_checkin")
    created_at: datetime


class FunnelStep(BaseModel):
    stage: str = Field(description="collect (集める) | deepen (深める) | connect (つなげる)")
    ja: str
    people: int = Field(description="Relations standing at exactly this stage")
    reached: int = Field(description="Relations at this stage or beyond: the funnel's width")


class DepthRead(BaseModel):
    municipality_code: str
    municipality: str
    as_of: date
    programs: int = Field(description="Programs published there by the day")
    participations: int = Field(description="延べ: every (person, program, day) once")
    people: int = Field(description="Distinct people who took part")
    repeaters: int = Field(description="People with two or more participations")
    repeat_rate: float | None = Field(description="repeaters / people; null without people")
    funnel: list[FunnelStep]


# The days a depth can be asked for: bounded so that the day after is a date too (a day's facts
# run to the next midnight, JST).
FIRST_AS_OF, LAST_AS_OF = date(1900, 1, 1), date(2999, 12, 31)
