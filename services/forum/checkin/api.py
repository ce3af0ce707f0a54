"""Check-in's HTTP API: the QR code of a confirmed signup (by its signed link), the operators'
check-in (idempotent), and an event's attendance."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from kit.web.openapi import problems
from services.forum.checkin import qr, service
from services.forum.checkin.schemas import AttendanceRead, CheckinCreate, CheckinRead, PrefectureAttendance
from services.forum.web import Caller, Deps

router = APIRouter(tags=["checkin"])
SVG = "image/svg+xml"


@router.get("/signups/manage/{token}/qr.svg", response_class=Response, responses={
    200: {"content": {SVG: {"schema": {"type": "string"}}}, "description": "The QR code of the check-in code."},
    **problems(404, 409)})
async def checkin_qr(token: str, deps: Deps) -> Response:
    """The QR code (SVG) a confirmed attendee shows at the desk; it holds the 8-character
    check-in code, which can also be typed by hand."""
    code = await service.qr_code(uow=deps.uow, links=deps.links, token=token)
    # private: the link is the person's own; the code never changes, so a day's cache is safe
    return Response(qr.svg(code), media_type=SVG, headers={"cache-control": "private, max-age=86400"})


@router.post("/events/{event_id}/checkins", response_model=CheckinRead, responses={
    200: {"description": "Checked in now, or before (`already`: true, the first time returned)."},
    **problems(401, 403, 404, 409)})
async def check_in(event_id: UUID, body: CheckinCreate, deps: Deps, who: Caller) -> Any:
    """Check an attendee in by code (operators at the desk). Idempotent. An unknown code is a
    404; a signup of another event, a cancelled or an unconfirmed one a 409 whose `reason`
    (`wrong_event`, `cancelled`, `not_confirmed`), `name` and `affiliation` say whose it is."""
    outcome = await service.check_in(uow=deps.uow, actor=who, event_id=event_id, code=body.code)
    signup = outcome.signup
    assert signup is not None and signup.checked_in_at is not None
    return CheckinRead(signup_id=signup.id, event_id=event_id, name=signup.name, name_kana=signup.name_kana,
                       affiliation=signup.affiliation, checked_in_at=signup.checked_in_at,
                       already=outcome.verdict == "already", confirmed=outcome.attendance.confirmed,
                       checked_in=outcome.attendance.checked_in)


@router.get("/events/{event_id}/attendance", response_model=AttendanceRead, responses=problems(401, 403, 404))
async def attendance(event_id: UUID, deps: Deps, who: Caller) -> Any:
    """Confirmed, checked in and (once the event has ended) no-show counts, also per
    prefecture (operators)."""
    counts, by_prefecture = await service.attendance(uow=deps.uow, actor=who, event_id=event_id)
    return AttendanceRead(event_id=event_id, confirmed=counts.confirmed, checked_in=counts.checked_in,
                          not_checked_in=counts.not_checked_in, no_show=counts.no_show, ended=counts.ended,
                          by_prefecture=[PrefectureAttendance(prefecture_code=code, confirmed=c, checked_in=k)
                                         for code, c, k in by_prefecture])
