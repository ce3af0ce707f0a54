"""Recommendations' page: "for you", the signed-in helper's best programs with their reasons, in
Japanese (English with ?lang=en)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from kit.errors import NotFound
from services.matching.recommendations import service
from services.matching.web import Page

router = APIRouter(include_in_schema=False)


@router.get("/for-you", response_model=None)
async def for_you(page: Page) -> Response:
    who = page.who
    if who is None:
        return page.login_redirect()
    try:
        results = await service.for_you(uow=page.deps.uow, recommender=page.deps.recommender, who=who,
                                        base_url=page.deps.base_url)
    except NotFound:
        return page.page("recommendations/for_you.html", results=None)
    return page.page("recommendations/for_you.html", results=results)
