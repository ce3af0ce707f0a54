"""Pages for a member's own people: the application's status and the staff list."""

from __future__ import annotations

import re
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from kit.errors import AppError, FieldProblem, ValidationFailed
from kit.web.auth import Principal
from kit.web.problems import field_problems
from services.registry import members, people
from services.registry.deps import link_settings
from services.registry.domain.membership import Action, allowed_actions
from services.registry.gazetteer import load_gazetteer
from services.registry.pages.web import PageContext, messages
from services.registry.schemas import MemberUpdate

router = APIRouter(include_in_schema=False)


def _member_user(ctx: PageContext) -> Principal | None:
    who = ctx.who
    return who if who is not None and who.member_id is not None else None


async def _status_page(ctx: PageContext, who: Principal, status: int = 200, error: str | None = None,
                       errors: dict[str, str] | None = None, notice: str | None = None) -> Response:
    assert who.member_id
    member = await members.get_member(uow=ctx.rt.uow, member_id=who.member_id, viewer=who)
    history = await members.member_history(uow=ctx.rt.uow, member_id=who.member_id, viewer=who)
    actions = [a for a in allowed_actions(member.status) if a in members.MEMBER_ACTIONS]
    return ctx.page("status.html", status=status, member=member, history=history, actions=actions, error=error,
                    errors=errors or {}, notice=notice, applied=ctx.request.query_params.get("applied") == "1")


@router.get("/status")
async def status_page(request: Request) -> Response:
    ctx = PageContext.of(request)
    who = _member_user(ctx)
    if who is None:
        return ctx.redirect("/registry/login")
    return await _status_page(ctx, who)


@router.post("/status/edit")
async def status_edit(request: Request) -> Response:
    ctx = PageContext.of(request)
    form = await ctx.form()
    who = _member_user(ctx)
    if who is None or who.member_id is None:
        return ctx.redirect("/registry/login")
    fields = {k: form[k].strip() for k in ("name", "corporate_number", "contact_name", "website") if form.get(k)}
    fields_any: dict[str, object] = dict(fields)
    if "activity_tags" in form:
        fields_any["activity_tags"] = [t for t in re.split(r"[,、，\s]+", form["activity_tags"]) if t][:10]
    if form.get("directory_form") == "1":
        fields_any["directory_opt_in"] = form.get("directory_opt_in") == "1"
    try:
        try:
            data = MemberUpdate.model_validate(fields_any)
        except ValidationError as exc:
            raise ValidationFailed(field_problems(exc.errors(), default_field="form")) from exc
        await members.update_member(uow=ctx.rt.uow, gazetteer=load_gazetteer(), member_id=who.member_id,
                                    actor=who, data=data)
    except AppError as exc:
        error, errors = messages(exc, ctx.locale)
        return await _status_page(ctx, who, status=exc.status, error=error, errors=errors)
    return ctx.redirect("/registry/status")


@router.post("/status/{action}")
async def status_action(request: Request, action: str) -> Response:
    ctx = PageContext.of(request)
    form = await ctx.form()
    who = _member_user(ctx)
    if who is None or who.member_id is None:
        return ctx.redirect("/registry/login")
    try:
        if action not in {a.value for a in members.MEMBER_ACTIONS}:
            raise ValidationFailed([FieldProblem("action", "enum", "操作が正しくありません。", "Unknown action.")])
        await members.transition(uow=ctx.rt.uow, member_id=who.member_id, action=Action(action), actor=who,
                                 note=form.get("note", "").strip() or None)
    except AppError as exc:
        return await _status_page(ctx, who, status=exc.status, error=messages(exc, ctx.locale)[0])
    return ctx.redirect("/registry/status")


async def _staff_page(ctx: PageContext, who: Principal, status: int = 200, error: str | None = None,
                      notice: str | None = None) -> Response:
    assert who.member_id
    member = await members.get_member(uow=ctx.rt.uow, member_id=who.member_id, viewer=who)
    staff = await people.list_staff(uow=ctx.rt.uow, member_id=who.member_id, viewer=who)
    return ctx.page("staff.html", status=status, member=member, staff=staff, error=error, notice=notice)


@router.get("/staff")
async def staff_page(request: Request) -> Response:
    ctx = PageContext.of(request)
    who = _member_user(ctx)
    if who is None:
        return ctx.redirect("/registry/login")
    return await _staff_page(ctx, who)


@router.post("/staff/invite")
async def staff_invite(request: Request) -> Response:
    ctx = PageContext.of(request)
    form = await ctx.form()
    who = _member_user(ctx)
    if who is None or who.member_id is None:
        return ctx.redirect("/registry/login")
    email, role = form.get("email", "").strip(), form.get("role", "staff")
    try:
        if "@" not in email or len(email) > 320 or role not in ("admin", "staff"):
            raise ValidationFailed([FieldProblem("email", "email", "メールアドレスと役割を確認してください。",
                                                 "Check the email address and the role.")])
        await people.invite_staff(uow=ctx.rt.uow, keys=link_settings(ctx.rt), member_id=who.member_id, actor=who,
                                  email=email, role=role, locale=ctx.locale)
    except AppError as exc:
        return await _staff_page(ctx, who, status=exc.status, error=messages(exc, ctx.locale)[0])
    notice = f"{email} に招待メールを送りました。" if ctx.locale == "ja" else f"An invitation was sent to {email}."
    return await _staff_page(ctx, who, notice=notice)


@router.post("/staff/{user_id}/remove")
async def staff_remove(request: Request, user_id: str) -> Response:
    ctx = PageContext.of(request)
    await ctx.form()
    who = _member_user(ctx)
    if who is None or who.member_id is None:
        return ctx.redirect("/registry/login")
    try:
        await people.remove_staff(uow=ctx.rt.uow, member_id=who.member_id, user_id=UUID(user_id[:36]), actor=who)
    except ValueError:
        return await _staff_page(ctx, who, status=404, error="Not found")
    except AppError as exc:
        return await _staff_page(ctx, who, status=exc.status, error=messages(exc, ctx.locale)[0])
    return ctx.redirect("/registry/staff")
