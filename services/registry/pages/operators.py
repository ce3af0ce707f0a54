"""Operator (事務局) pages: review queue, member detail with its history and actions, CSV in and out."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from starlette.responses import Response

from kit.errors import AppError, NotFound
from kit.web.auth import Principal
from services.registry import members, transfer
from services.registry.domain.membership import REQUIRED_NOTE, Action, allowed_actions
from services.registry.gazetteer import load_gazetteer
from services.registry.pages.web import PageContext, messages

router = APIRouter(prefix="/operator", include_in_schema=False)


def _operator(ctx: PageContext) -> Principal | None:
    who = ctx.who
    return who if who is not None and who.is_operator else None


def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw[:36])
    except ValueError as exc:
        raise NotFound(ja="会員が見つかりません。", en="Member not found.") from exc


@router.get("/queue")
async def queue_page(request: Request) -> Response:
    ctx = PageContext.of(request)
    if (who := _operator(ctx)) is None:
        return ctx.redirect("/registry/login")
    counts, waiting = await members.review_queue(uow=ctx.rt.uow, viewer=who)
    return ctx.page("operator_queue.html", counts=counts, waiting=waiting)


async def _member_page(ctx: PageContext, who: Principal, member_id: UUID, status: int = 200,
                       error: str | None = None) -> Response:
    member = await members.get_member(uow=ctx.rt.uow, member_id=member_id, viewer=who)
    history = await members.member_history(uow=ctx.rt.uow, member_id=member_id, viewer=who)
    similar = []
    for other in member.similar_to or []:
        try:
            similar.append(await members.get_member(uow=ctx.rt.uow, member_id=UUID(other), viewer=who))
        except (AppError, ValueError):
            continue
    return ctx.page("operator_member.html", status=status, member=member, history=history, similar=similar,
                    actions=allowed_actions(member.status), required_note=REQUIRED_NOTE, error=error)


@router.get("/members/{member_id}")
async def member_page(request: Request, member_id: str) -> Response:
    ctx = PageContext.of(request)
    if (who := _operator(ctx)) is None:
        return ctx.redirect("/registry/login")
    return await _member_page(ctx, who, _uuid(member_id))


@router.post("/members/{member_id}/{action}")
async def member_action(request: Request, member_id: str, action: str) -> Response:
    ctx = PageContext.of(request)
    form = await ctx.form()
    if (who := _operator(ctx)) is None:
        return ctx.redirect("/registry/login")
    target = _uuid(member_id)
    try:
        if action not in {a.value for a in Action}:
            raise NotFound()
        await members.transition(uow=ctx.rt.uow, member_id=target, action=Action(action), actor=who,
                                 note=form.get("note", "").strip() or None)
    except AppError as exc:
        if exc.status == 404:
            raise
        return await _member_page(ctx, who, target, status=exc.status, error=messages(exc, ctx.locale)[0])
    return ctx.redirect(f"/registry/operator/members/{target}")


@router.get("/export.csv")
async def export_page(request: Request) -> Response:
    ctx = PageContext.of(request)
    if (who := _operator(ctx)) is None:
        return ctx.redirect("/registry/login")
    body = await transfer.export_csv(uow=ctx.rt.uow, actor=who)
    return ctx.finish(Response(body, media_type="text/csv; charset=utf-8",
                               headers={"content-disposition": 'attachment; filename="kakawari-members.csv"'}))


@router.get("/import")
async def import_form(request: Request) -> Response:
    ctx = PageContext.of(request)
    if _operator(ctx) is None:
        return ctx.redirect("/registry/login")
    return ctx.page("operator_import.html", report=None, error=None)


@router.post("/import")
async def import_submit(request: Request) -> Response:
    ctx = PageContext.of(request)
    await ctx.form()
    if (who := _operator(ctx)) is None:
        return ctx.redirect("/registry/login")
    upload = (await request.form()).get("file")
    content = await upload.read(transfer.MAX_IMPORT_BYTES + 1) if upload is not None and not isinstance(
        upload, str) else b""
    dry_run = (await request.form()).get("dry_run") == "1"
    try:
        if len(content) > transfer.MAX_IMPORT_BYTES:
            raise AppError(ja="ファイルが大きすぎます。", en="The file is too large.", status=413)
        report = await transfer.import_csv(uow=ctx.rt.uow, gazetteer=load_gazetteer(), actor=who, content=content,
                                           dry_run=dry_run)
    except AppError as exc:
        report_data = exc.extra.get("report")
        return ctx.page("operator_import.html", status=exc.status, report=report_data,
                        error=messages(exc, ctx.locale)[0])
    return ctx.page("operator_import.html", report=report.model_dump(), error=None)
