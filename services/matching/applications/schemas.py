"""Applications' API shapes."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field


class ApplicationRead(BaseModel):
    """An application as its person sees it."""

    id: UUID
    program_id: UUID
    program_title: str
    starts_on: date
    ends_on: date
    status: str = Field(description="accepted | waitlisted | withdrawn | declined")
    waitlist_position: int | None = Field(description="1-based place in line now, while waitlisted")
    created_at: datetime
    updated_at: datetime
    url: str = Field(description="The program's page")


class ApplicantRead(BaseModel):
    """An application as the program's host sees it."""

    id: UUID
    program_id: UUID
    helper_id: UUID
    name: str
    email: str | None = Field(description="For arranging the day; None once the person is erased")
    skills: list[str]
    status: str
    waitlist_position: int | None
    created_at: datetime
    updated_at: datetime
