"""Pages anyone may open: the landing page with the figures, and the member directory."""

from __future__ import annotations

import re

from fastapi import APIRouter
from starlette.responses import Response

from kit.db.types import utcnow
from services.registry.directory import service
from services.registry.directory.domain.as_of import today_jst
from services.registry.membership.schemas import TAG_LENGTH
from services.registry.small_bases.service import base_stats
from services.registry.web.page import Page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
_PAGE_NO = re.compile(r"[1-9][0-9]{0,3}")  # ASCII only: str.isdigit() also accepts "²", which int() refuses


def page_number(raw: str | None) -> int:
    """The requested page, 1 when missing or not a plain number up to 9999."""
    return int(raw) if raw and _PAGE_NO.fullmatch(raw) else 1


@router.get("/")
async def landing(page: Page) -> Response:
    today = today_jst(utcnow())
    figures = await service.membership_stats(uow=page.deps.uow, as_of=today)
    bases = await base_stats(uow=page.deps.uow)
    return page.page("directory/landing.html", figures=figures, bases=bases, today=today)


@router.get("/directory")
async def directory_page(page: Page) -> Response:
    p = page.request.query_params
    gazetteer = page.deps.gazetteer
    filters = {"q": p.get("q", "")[:100], "kind": p.get("kind", ""), "block": p.get("block", ""),
               "prefecture": p.get("prefecture", ""), "tag": p.get("tag", "")[:TAG_LENGTH]}
    page_no = page_number(p.get("page"))
    result = await service.search_directory(
        uow=page.deps.uow, gazetteer=gazetteer, q=filters["q"] or None, kind=filters["kind"] or None,
        block=filters["block"] or None, prefecture_code=filters["prefecture"] or None,
        tags=[filters["tag"]] if filters["tag"] else None, offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    prefectures = [lg for lg in gazetteer if lg.kind == "prefecture"]
    pages = max(1, -(-result.total // PAGE_SIZE))
    return page.page("directory/search.html", result=result, filters=filters, prefectures=prefectures,
                     page_no=page_no, pages=pages)
