"""Meetings' HTTP API: a member organization's staff ask another attending organization for a
short talk, and accept, decline or cancel; bookings never double-book either side."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from kit.web.openapi import problems
from services.forum.meetings import service
from services.forum.meetings.schemas import MeetingCreate, MeetingRead, OrganizationRead
from services.forum.web import Caller, Deps

router = APIRouter(tags=["meetings"])


@router.post("/events/{event_id}/meetings", response_model=MeetingRead, status_code=201,
             responses=problems(401, 403, 404, 409))
async def request_meeting(event_id: UUID, body: MeetingCreate, deps: Deps, who: Caller) -> Any:
    """Ask another organization with a confirmed attendee for a short talk (confirmed attendees'
    organizations only)."""
    return await service.request(uow=deps.uow, actor=who, event_id=event_id,
                                 invitee_member_id=body.invitee_member_id, note=body.note)


@router.get("/events/{event_id}/meetings", response_model=list[MeetingRead], responses=problems(401, 403, 404, 409))
async def my_meetings(event_id: UUID, deps: Deps, who: Caller) -> Any:
    """The caller's organization's requests and bookings at this forum, booked ones by slot."""
    return (await service.listed(uow=deps.uow, actor=who, event_id=event_id)).meetings


@router.get("/events/{event_id}/meetings/organizations", response_model=list[OrganizationRead],
            responses=problems(401, 403, 404, 409))
async def organizations(event_id: UUID, deps: Deps, who: Caller) -> Any:
    """The other organizations with a confirmed attendee, whom the caller's organization may ask."""
    return (await service.listed(uow=deps.uow, actor=who, event_id=event_id)).organizations


@router.post("/events/{event_id}/meetings/{meeting_id}/accept", response_model=MeetingRead,
             responses=problems(401, 403, 404, 409))
async def accept_meeting(event_id: UUID, meeting_id: UUID, deps: Deps, who: Caller) -> Any:
    """The invited organization accepts: booked into the earliest slot both have free (409 when
    none is)."""
    return await service.accept(uow=deps.uow, actor=who, event_id=event_id, meeting_id=meeting_id)


@router.post("/events/{event_id}/meetings/{meeting_id}/decline", response_model=MeetingRead,
             responses=problems(401, 403, 404, 409))
async def decline_meeting(event_id: UUID, meeting_id: UUID, deps: Deps, who: Caller) -> Any:
    """The invited organization declines a request."""
    return await service.decline(uow=deps.uow, actor=who, event_id=event_id, meeting_id=meeting_id)


@router.post("/events/{event_id}/meetings/{meeting_id}/cancel", response_model=MeetingRead,
             responses=problems(401, 403, 404, 409))
async def cancel_meeting(event_id: UUID, meeting_id: UUID, deps: Deps, who: Caller) -> Any:
    """Either organization calls off a request or a booking; its slot is free again."""
    return await service.cancel(uow=deps.uow, actor=who, event_id=event_id, meeting_id=meeting_id)
