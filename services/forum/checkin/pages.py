"""The staff check-in page (operators): one autofocused input that a USB scanner types the QR
code into (the code, then Enter), or staff type the short code by hand.

Without JavaScript the form posts here and the page comes back with the result. With it,
./static/checkin.js posts the same form with `Accept: application/json`, shows the result in
place, big, with a sound, keeps a list of the last scans, and puts the cursor back in the input
for the next person.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from kit.errors import Unauthorized, ValidationFailed
from kit.jst import jst
from kit.web.page import messages
from services.forum.checkin import service
from services.forum.checkin.domain.rules import MESSAGES
from services.forum.web import ForumPage, Page

router = APIRouter(include_in_schema=False)
TEMPLATE = "checkin/desk.html"


@router.get("/events/{event_id}/checkin", response_model=None)
async def desk(event_id: UUID, page: Page) -> Response:
    if page.require_operator() is None:
        return page.login_redirect()
    event, attendance = await service.desk(uow=page.deps.uow, event_id=event_id)
    return page.page(TEMPLATE, event=event, attendance=attendance, outcome=None, result=None, errors={})


@router.post("/events/{event_id}/checkin", response_model=None)
async def scan(event_id: UUID, page: Page) -> Response:
    wants_json = "application/json" in page.request.headers.get("accept", "")
    if page.require_operator() is None:
        if wants_json:
            raise Unauthorized()
        return page.login_redirect()
    form = await page.form()
    try:
        outcome = await service.scan(uow=page.deps.uow, event_id=event_id, raw_code=form.get("code", ""))
    except ValidationFailed as exc:
        if wants_json:
            raise
        event, attendance = await service.desk(uow=page.deps.uow, event_id=event_id)
        _, errors = messages(exc, page.locale)
        return page.page(TEMPLATE, status=422, event=event, attendance=attendance, outcome=None, result=None,
                         errors=errors, code=form.get("code", ""))
    result = shown(outcome, page)
    if wants_json:
        return JSONResponse(result)
    return page.page(TEMPLATE, event=outcome.event, attendance=outcome.attendance, outcome=outcome, result=result,
                     errors={})


def shown(outcome: service.ScanOutcome, page: ForumPage) -> dict[str, Any]:
    """What the desk shows of a scan, in the page's language (the script renders the same)."""
    japanese = page.locale == "ja"
    message = MESSAGES[outcome.verdict]
    signup, other = outcome.signup, outcome.signup_event
    return {
        "verdict": outcome.verdict.value,
        "admitted": outcome.admitted,
        "message": message.ja if japanese else message.en,
        "name": signup.name if signup else None,
        "name_kana": signup.name_kana if signup else None,
        "affiliation": signup.affiliation if signup else None,
        "code": signup.checkin_code if signup else None,
        "checked_in_at": jst(signup.checked_in_at, "%H:%M:%S") if signup and signup.checked_in_at else None,
        "other_event": other.title if other is not None and other.id != outcome.event.id else None,
        "confirmed": outcome.attendance.confirmed,
        "checked_in": outcome.attendance.checked_in,
    }
