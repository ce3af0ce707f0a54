"""Meetings' API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MeetingCreate(BaseModel):
    model_config = STRICT

    invitee_member_id: UUID = Field(description="The organization (registry member) asked for a talk.")
    note: Annotated[str, Field(max_length=1000)] = ""


class MeetingRead(BaseModel):
    id: UUID
    event_id: UUID
    status: str  # requested | booked | declined | cancelled
    role: str = Field(description="The caller's organization's side: requester or invitee.")
    requester_member_id: UUID
    requester_name: str
    invitee_member_id: UUID
    invitee_name: str
    note: str
    slot_starts_at: datetime | None
    slot_ends_at: datetime | None
    created_at: datetime


class OrganizationRead(BaseModel):
    """An organization with a confirmed attendee at the forum, that may be asked for a talk."""

    member_id: UUID
    name: str
