"""The booth application page: a signed-in member admin of an intermediary organization applies
for a booth at a block forum and sees where the application stands. Operators decide on the
event's operations page (services/forum/ops/pages.py)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from kit.errors import AppError
from kit.web.page import messages
from services.forum.booths import service
from services.forum.booths.domain.rules import STATUS_LABELS
from services.forum.booths.schemas import BoothCreate, BoothRead
from services.forum.events import service as events
from services.forum.web import ForumPage, Page

router = APIRouter(include_in_schema=False)
TEMPLATE = "booths/apply.html"


@router.get("/events/{event_id}/booths/apply", response_model=None)
async def apply_form(event_id: UUID, page: Page) -> Response:
    if page.who is None:
        return page.login_redirect()
    return await _render(page, event_id, mine=await _mine(page, event_id), form={}, errors={}, problem=None)


@router.post("/events/{event_id}/booths/apply", response_model=None)
async def apply(event_id: UUID, page: Page) -> Response:
    if (who := page.who) is None:
        return page.login_redirect()
    form = await page.form()
    try:
        # unvalidated on purpose: the use case's own check gives an empty title its field message
        body = BoothCreate.model_construct(title=form.get("title", "").strip()[:200],
                                           description=form.get("description", "")[:5000], member_id=None)
        await service.apply(uow=page.deps.uow, actor=who, event_id=event_id, body=body)
    except AppError as exc:
        problem, errors = messages(exc, page.locale)
        return await _render(page, event_id, mine=None, form=form, errors=errors, problem=problem, status=exc.status)
    return page.redirect(f"/forum/events/{event_id}/booths/apply")


async def _mine(page: ForumPage, event_id: UUID) -> BoothRead | None:
    who = page.who
    if who is None or who.member_id is None:
        return None
    booths = await service.listed(uow=page.deps.uow, viewer=who, event_id=event_id)
    return next((b for b in booths if b.member_id == who.member_id), None)


async def _render(page: ForumPage, event_id: UUID, *, mine: BoothRead | None, form: dict[str, str],
                  errors: dict[str, str], problem: str | None, status: int = 200) -> Response:
    event = await events.read(uow=page.deps.uow, event_id=event_id, viewer=page.who)
    return page.page(TEMPLATE, status=status, event=event, mine=mine, form=form, errors=errors, problem=problem,
                     labels=STATUS_LABELS)
