"""Operator (事務局) pages: review queue, member detail with its history and actions, CSV in and out."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.responses import Response

from kit.errors import AppError, NotFound
from kit.web.auth import Principal
from kit.web.page import messages
from services.registry.membership.domain.workflow import REQUIRED_NOTE, STATUS_LABELS, Action, allowed_actions
from services.registry.membership.service import csv_export, csv_import, records, review
from services.registry.models import Member
from services.registry.web.page import Page, RegistryPage

router = APIRouter(prefix="/operator", include_in_schema=False)


def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw[:36])
    except ValueError as exc:
        raise NotFound(ja="会員が見つかりません。", en="Member not found.") from exc


@router.get("/queue")
async def queue_page(page: Page) -> Response:
    if (who := page.operator) is None:
        return page.redirect("/registry/login")
    counts, waiting = await records.review_queue(uow=page.deps.uow, viewer=who)
    return page.page("membership/review_queue.html", counts=counts, waiting=waiting, statuses=STATUS_LABELS)


async def _member_page(page: RegistryPage, who: Principal, member_id: UUID, status: int = 200,
                       error: str | None = None) -> Response:
    uow = page.deps.uow
    member = await records.get_member(uow=uow, member_id=member_id, viewer=who)
    history = await records.member_history(uow=uow, member_id=member_id, viewer=who)
    similar: list[Member] = []
    for other in member.similar_to or []:
        try:
            similar.append(await records.get_member(uow=uow, member_id=UUID(other), viewer=who))
        except (AppError, ValueError):
            continue  # flagged at submission, gone or malformed since
    return page.page("membership/operator_member.html", status=status, member=member, history=history,
                     similar=similar, actions=allowed_actions(member.status), required_note=REQUIRED_NOTE,
                     statuses=STATUS_LABELS, error=error)


@router.get("/members/{member_id}")
async def member_page(page: Page, member_id: str) -> Response:
    if (who := page.operator) is None:
        return page.redirect("/registry/login")
    return await _member_page(page, who, _uuid(member_id))


@router.post("/members/{member_id}/{action}")
async def member_action(page: Page, member_id: str, action: str) -> Response:
    form = await page.form()
    if (who := page.operator) is None:
        return page.redirect("/registry/login")
    target = _uuid(member_id)
    try:
        if action not in {a.value for a in Action}:
            raise NotFound()
        await review.transition(uow=page.deps.uow, member_id=target, action=Action(action), actor=who,
                                note=form.get("note", "").strip() or None)
    except AppError as exc:
        if exc.status == 404:
            raise
        return await _member_page(page, who, target, status=exc.status, error=messages(exc, page.locale)[0])
    return page.redirect(f"/registry/operator/members/{target}")


@router.get("/export.csv")
async def export_page(page: Page) -> Response:
    if (who := page.operator) is None:
        return page.redirect("/registry/login")
    body = await csv_export.export_csv(uow=page.deps.uow, actor=who)
    return page.finish(Response(body, media_type="text/csv; charset=utf-8",
                                headers={"content-disposition": f'attachment; filename="{csv_export.FILENAME}"'}))


@router.get("/import")
async def import_form(page: Page) -> Response:
    if page.operator is None:
        return page.redirect("/registry/login")
    return page.page("membership/csv_import.html", report=None, error=None)


@router.post("/import")
async def import_submit(page: Page) -> Response:
    form = await page.raw_form()
    if (who := page.operator) is None:
        return page.redirect("/registry/login")
    upload = form.get("file")
    # One byte more than allowed is enough to tell the file is too large.
    content = await upload.read(csv_import.MAX_IMPORT_BYTES + 1) if isinstance(upload, UploadFile) else b""
    try:
        report = await csv_import.import_csv(uow=page.deps.uow, gazetteer=page.deps.gazetteer, actor=who,
                                             content=content, dry_run=form.get("dry_run") == "1")
    except AppError as exc:
        return page.page("membership/csv_import.html", status=exc.status, report=exc.extra.get("report"),
                         error=messages(exc, page.locale)[0])
    return page.page("membership/csv_import.html", report=report.model_dump(), error=None)
