"""The operator's round pages (事務局), in Japanese and English: the rounds, and one round with its
programs' ranking status, the run button (CSRF) and its quality report. Operators only: anyone else
signed in gets a 403, nobody signed in is sent to sign in."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from services.matching.rounds.service import opening, running
from services.matching.web import Page

router = APIRouter(include_in_schema=False)


@router.get("/rounds", response_model=None)
async def rounds_page(page: Page) -> Response:
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    found = await opening.listed(uow=page.deps.uow, viewer=who, limit=200, offset=0, base_url=page.deps.base_url)
    return page.page("rounds/list.html", rounds=found)


@router.get("/rounds/{round_id}", response_model=None)
async def round_page(round_id: UUID, page: Page) -> Response:
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    found = await opening.detail(uow=page.deps.uow, viewer=who, round_id=round_id, base_url=page.deps.base_url)
    return page.page("rounds/round.html", r=found)


@router.post("/rounds/{round_id}/run", response_model=None)
async def run_round(round_id: UUID, page: Page) -> Response:
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    await page.form()  # the CSRF check
    await running.run(uow=page.deps.uow, actor=who, round_id=round_id, base_url=page.deps.base_url)
    return page.redirect(f"/matching/rounds/{round_id}#report")
