"""The lottery's audit page, in Japanese and English: the record, and how to check it."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from services.forum.lottery import service
from services.forum.web import Page

router = APIRouter(include_in_schema=False)


@router.get("/events/{event_id}/lottery", response_model=None)
async def audit_page(event_id: UUID, page: Page) -> Response:
    record, event = await service.audit(uow=page.deps.uow, event_id=event_id, viewer=page.who)
    api_url = f"{page.deps.links.base_url.rstrip('/')}/forum/api/v1/events/{event_id}/lottery"
    return page.page("lottery/audit.html", record=record, event=event, api_url=api_url)
