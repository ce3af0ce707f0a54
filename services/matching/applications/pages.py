"""The application pages: the apply form's post and a withdrawal (both answer with a redirect to
the program's page, so they work without JavaScript), "my applications", and the host's pages to
manage the applicants of their member's programs (accept from the line, decline)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kit.errors import AppError
from kit.web.page import messages
from services.matching.applications import service
from services.matching.applications.domain.rules import HostAction, status_label
from services.matching.programs import service as programs
from services.matching.programs.pages import describe, detail_page
from services.matching.web import Page

router = APIRouter(include_in_schema=False)
HOST_PROGRAMS_MAX = 200
APPLICANTS_MAX = 500
HOST_DONE = {"accept": ("参加を決定しました。", "The applicant has a place."),
             "decline": ("応募を見送りました。次の方が繰り上がります。", "Declined; the next in line moves up.")}


@router.post("/programs/{program_id}/apply", response_model=None)
async def apply(program_id: UUID, page: Page) -> Response:
    """The apply form's post: the same use case as `POST /matching/api/v1/programs/{id}/applications`."""
    if page.who is None:  # the form is shown to signed-in people; anyone else signs in first
        return page.login_redirect(f"/matching/programs/{program_id}")
    await page.form()
    try:
        await service.apply(uow=page.deps.uow, who=page.who, program_id=program_id, base_url=page.deps.base_url)
    except AppError as exc:
        if exc.status != 409:
            raise
        error, _ = messages(exc, page.locale)
        return await detail_page(page, program_id, status=409, error=error)
    return page.redirect(f"/matching/programs/{program_id}?done=applied")


@router.post("/applications/{application_id}/withdraw", response_model=None)
async def withdraw(application_id: UUID, page: Page) -> Response:
    if page.who is None:
        return page.login_redirect()
    await page.form()
    withdrawn = await service.withdraw(uow=page.deps.uow, who=page.who, application_id=application_id,
                                       base_url=page.deps.base_url)
    return page.redirect(f"/matching/programs/{withdrawn.program_id}?done=withdrawn")


@router.get("/applications", response_model=None)
async def my_applications(page: Page) -> Response:
    if page.who is None:
        return page.login_redirect()
    japanese = page.locale == "ja"
    mine = await service.mine(uow=page.deps.uow, who=page.who, base_url=page.deps.base_url)
    return page.page("applications/mine.html", applications=[
        {"application": a, "label": status_label(a.status, japanese=japanese)} for a in mine])


@router.get("/host/programs", response_model=None)
async def host_programs(page: Page) -> Response:
    """The programs of the signed-in staff's member, every status, with their places and line."""
    who = page.who
    if who is None:
        return page.login_redirect()
    listed = await programs.listed(
        uow=page.deps.uow, viewer=who, status=None, member_id=who.member_id, prefecture_code=None,
        municipality_code=None, skill=None, period=None, online=None, limit=HOST_PROGRAMS_MAX, offset=0,
        base_url=page.deps.base_url) if who.member_id or who.is_operator else []
    return page.page("applications/host_programs.html", programs=[describe(p, page.locale) for p in listed])


async def host_page(page: Page, program_id: UUID, *, status: int = 200, error: str | None = None) -> Response:
    who = page.who
    if who is None:
        return page.login_redirect()
    applicants = await service.applicants(uow=page.deps.uow, actor=who, program_id=program_id, limit=APPLICANTS_MAX,
                                          offset=0)  # another member's program: a 404 before anything is read
    program = await programs.detail(uow=page.deps.uow, viewer=who, program_id=program_id, base_url=page.deps.base_url)
    japanese = page.locale == "ja"
    done = HOST_DONE.get(page.request.query_params.get("done", ""))
    return page.page("applications/host.html", status=status, **describe(program, page.locale), error=error,
                     done=(done[0] if japanese else done[1]) if done else None,
                     applicants=[{"applicant": a, "label": status_label(a.status, japanese=japanese)}
                                 for a in applicants])


@router.get("/host/programs/{program_id}", response_model=None)
async def host_program(program_id: UUID, page: Page) -> Response:
    """The host's page for one program: its applicants, places first, then the line in order."""
    return await host_page(page, program_id)


@router.post("/host/programs/{program_id}/applications/{application_id}/{action}", response_model=None)
async def host_decides(program_id: UUID, application_id: UUID, action: HostAction, page: Page) -> Response:
    if page.who is None:
        return page.login_redirect()
    await page.form()
    try:
        await service.decide(uow=page.deps.uow, actor=page.who, application_id=application_id, action=action,
                             base_url=page.deps.base_url)
    except AppError as exc:
        if exc.status != 409:
            raise
        error, _ = messages(exc, page.locale)
        return await host_page(page, program_id, status=409, error=error)
    return page.redirect(f"/matching/host/programs/{program_id}?done={action.value}")
