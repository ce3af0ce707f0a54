"""Pages anyone may open: landing, directory, application form, sign-in and emailed links."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from kit.errors import AppError, FieldProblem, ValidationFailed
from kit.jst import JST
from kit.web.problems import field_problems
from services.registry import bases, directory, people, stats
from services.registry.deps import limit_apply, limit_login, link_settings
from services.registry.domain.local_government import Gazetteer
from services.registry.gazetteer import load_gazetteer
from services.registry.pages.web import PageContext, messages
from services.registry.schemas import MemberApplicationCreate

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
_CODE = re.compile(r"\b([0-9０-９]{6})\b")


@router.get("/")
async def landing(request: Request) -> Response:
    ctx = PageContext.of(request)
    today = datetime.now(JST).date()
    figures = await stats.membership_stats(uow=ctx.rt.uow, as_of=today)
    base_figures = await bases.base_stats(uow=ctx.rt.uow)
    return ctx.page("index.html", figures=figures, bases=base_figures, today=today)


@router.get("/directory")
async def directory_page(request: Request) -> Response:
    ctx = PageContext.of(request)
    p = request.query_params
    gazetteer = load_gazetteer()
    filters = {"q": p.get("q", "")[:100], "kind": p.get("kind", ""), "block": p.get("block", ""),
               "prefecture": p.get("prefecture", ""), "tag": p.get("tag", "")[:30]}
    page_no = int(p["page"]) if p.get("page", "").isdigit() and 0 < int(p["page"]) < 10_000 else 1
    result = await directory.search_directory(
        uow=ctx.rt.uow, gazetteer=gazetteer, q=filters["q"] or None, kind=filters["kind"] or None,
        block=filters["block"] or None, prefecture_code=filters["prefecture"] or None,
        tags=[filters["tag"]] if filters["tag"] else None, offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    prefectures = [lg for lg in gazetteer if lg.kind == "prefecture"]
    pages = max(1, -(-result.total // PAGE_SIZE))
    return ctx.page("directory.html", result=result, filters=filters, prefectures=prefectures, page_no=page_no,
                    pages=pages)


def resolve_local_government(gazetteer: Gazetteer, typed: str) -> str | None:
    """Without JavaScript the applicant types a code or a name; the server finds the code."""
    typed = typed.strip()
    if not typed:
        return None
    if found := _CODE.search(typed):
        return found.group(1)
    matches = gazetteer.search(typed, limit=5)
    exact = [lg for lg in matches if typed in (lg.name, lg.full_name)]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0].code
    raise ValidationFailed([FieldProblem(
        "local_government_code", "ambiguous",
        ja="団体を特定できません。候補から選ぶか、6桁の団体コードを入力してください。",
        en="Could not tell which local government you mean. Choose from the list or enter the 6-digit code.")])


def _application(form: dict[str, str]) -> MemberApplicationCreate:
    values: dict[str, Any] = {k: form.get(k, "").strip() or None for k in (
        "kind", "legal_form", "name", "name_kana", "corporate_number", "contact_name", "contact_email", "website")}
    values["local_government_code"] = resolve_local_government(load_gazetteer(), form.get("local_government", ""))
    values["directory_opt_in"] = form.get("directory_opt_in") == "1"
    values["activity_tags"] = [t for t in re.split(r"[,、，\s]+", form.get("activity_tags", "")) if t][:10]
    values["locale"] = form.get("locale") if form.get("locale") in ("ja", "en") else "ja"
    try:
        return MemberApplicationCreate.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed(field_problems(exc.errors(), default_field="form")) from exc


@router.get("/apply")
async def apply_form(request: Request) -> Response:
    return PageContext.of(request).page("apply.html", form={}, errors={}, error=None)


@router.post("/apply")
async def apply_submit(request: Request) -> Response:
    ctx = PageContext.of(request)
    form = await ctx.form()
    limit_apply(request, ctx.rt)
    try:
        data = _application(form)
        member, user = await people.apply(uow=ctx.rt.uow, gazetteer=load_gazetteer(), keys=link_settings(ctx.rt),
                                          data=data)
    except AppError as exc:
        if exc.status not in (409, 422):
            raise
        error, errors = messages(exc, ctx.locale)
        return ctx.page("apply.html", status=exc.status, form=form, errors=errors, error=error)
    ctx.sign_in(people.principal_of(user))
    return ctx.redirect("/registry/status?applied=1")


@router.get("/login")
async def login_form(request: Request) -> Response:
    return PageContext.of(request).page("login.html", error=None, sent=False, email="")


@router.post("/login")
async def login_submit(request: Request) -> Response:
    ctx = PageContext.of(request)
    form = await ctx.form()
    email = form.get("email", "").strip()[:320]
    limit_login(request, ctx.rt, email)
    try:
        if form.get("method") == "link":
            if "@" not in email:
                raise ValidationFailed([FieldProblem("email", "email", "メールアドレスを入力してください。",
                                                     "Enter your email address.")])
            await people.request_login_link(uow=ctx.rt.uow, keys=link_settings(ctx.rt), email=email,
                                            locale=ctx.locale)
            return ctx.page("login.html", error=None, sent=True, email=email)
        who = await people.authenticate(uow=ctx.rt.uow, email=email, password=form.get("password", "")[:200])
    except AppError as exc:
        if exc.status not in (401, 422):
            raise
        return ctx.page("login.html", status=exc.status, error=messages(exc, ctx.locale)[0], sent=False, email=email)
    ctx.sign_in(who)
    return ctx.redirect(home_of(who.is_operator))


def home_of(operator: bool) -> str:
    return "/registry/operator/queue" if operator else "/registry/status"


@router.get("/login/link/{token}")
async def login_by_link(request: Request, token: str) -> Response:
    """Opening the emailed link signs in once; a used or expired link shows the sign-in page."""
    ctx = PageContext.of(request)
    try:
        who = await people.redeem_login_link(uow=ctx.rt.uow, keys=link_settings(ctx.rt), token=token[:500])
    except AppError as exc:
        return ctx.page("login.html", status=exc.status, error=messages(exc, ctx.locale)[0], sent=False, email="")
    ctx.sign_in(who)
    return ctx.redirect(home_of(who.is_operator))


@router.post("/logout")
async def logout(request: Request) -> Response:
    ctx = PageContext.of(request)
    await ctx.form()
    ctx.sign_out()
    return ctx.redirect("/registry/")


@router.get("/password/{token}")
async def password_form(request: Request, token: str) -> Response:
    return PageContext.of(request).page("password.html", token=token[:500], invite=False, error=None, errors={})


@router.get("/invite/{token}")
async def invite_form(request: Request, token: str) -> Response:
    return PageContext.of(request).page("password.html", token=token[:500], invite=True, error=None, errors={})


@router.post("/password/{token}")
async def password_submit(request: Request, token: str) -> Response:
    return await _set_password(request, token, invite=False)


@router.post("/invite/{token}")
async def invite_submit(request: Request, token: str) -> Response:
    return await _set_password(request, token, invite=True)


async def _set_password(request: Request, token: str, *, invite: bool) -> Response:
    ctx = PageContext.of(request)
    form = await ctx.form()
    password, name = form.get("password", ""), form.get("display_name", "").strip()
    try:
        if len(password) < 10 or len(password) > 200:
            raise ValidationFailed([FieldProblem("password", "length", "パスワードは10文字以上で入力してください。",
                                                 "Use a password of at least 10 characters.")])
        if invite and not 0 < len(name) <= 100:
            raise ValidationFailed([FieldProblem("display_name", "required", "お名前を入力してください。",
                                                 "Enter your name.")])
        keys = link_settings(ctx.rt)
        who = (await people.accept_invitation(uow=ctx.rt.uow, keys=keys, token=token[:500], display_name=name,
                                              password=password) if invite else
               await people.set_password(uow=ctx.rt.uow, keys=keys, token=token[:500], password=password))
    except AppError as exc:
        error, errors = messages(exc, ctx.locale)
        return ctx.page("password.html", status=exc.status, token=token[:500], invite=invite, error=error,
                        errors=errors)
    ctx.sign_in(who)
    return ctx.redirect(home_of(who.is_operator))
