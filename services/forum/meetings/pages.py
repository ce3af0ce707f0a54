"""The networking page of a block forum, for a signed-in member organization's staff: the
talks asked for and booked, and a form to ask another attending organization."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kit.errors import AppError, FieldProblem, ValidationFailed
from kit.web.auth import Principal
from kit.web.page import messages
from services.forum.meetings import service
from services.forum.web import ForumPage, Page

router = APIRouter(include_in_schema=False)
ACTIONS = ("request", "accept", "decline", "cancel")


@router.get("/events/{event_id}/networking", response_model=None)
async def networking_page(event_id: UUID, page: Page, done: str = "") -> Response:
    if (who := page.who) is None:
        return page.login_redirect()
    if who.member_id is None:
        return page.page("meetings/networking.html", status=403, view=None, members_only=True, done="", error=None)
    return await _render(page, who, event_id, done=done if done in ACTIONS else "")


@router.post("/events/{event_id}/networking", response_model=None)
async def networking_action(event_id: UUID, page: Page) -> Response:
    if (who := page.who) is None:
        return page.login_redirect()
    form = await page.form()
    action = form.get("action", "")
    try:
        if action == "request":
            await service.request(uow=page.deps.uow, actor=who, event_id=event_id,
                                  invitee_member_id=_uuid(form.get("invitee_member_id", ""), "invitee_member_id"),
                                  note=form.get("note", "").strip()[:1000])
        elif action in ("accept", "decline", "cancel"):
            use_case = {"accept": service.accept, "decline": service.decline, "cancel": service.cancel}[action]
            await use_case(uow=page.deps.uow, actor=who, event_id=event_id,
                           meeting_id=_uuid(form.get("meeting_id", ""), "meeting_id"))
        else:
            raise ValidationFailed([FieldProblem("action", "unknown", "操作が正しくありません。", "Unknown action.")])
    except AppError as exc:
        title, fields = messages(exc, page.locale)
        detail = " ".join(fields.values())
        return await _render(page, who, event_id, status=exc.status, error=f"{title} {detail}".strip())
    return page.redirect(f"/forum/events/{event_id}/networking?done={action}")


def _uuid(value: str, field: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise ValidationFailed([FieldProblem(field, "invalid", "選択してください。", "Please choose one.")]) from None


async def _render(page: ForumPage, who: Principal, event_id: UUID, *, status: int = 200, done: str = "",
                  error: str | None = None) -> Response:
    view = await service.listed(uow=page.deps.uow, actor=who, event_id=event_id)
    return page.page("meetings/networking.html", status=status, view=view, members_only=False, done=done,
                     error=error)
