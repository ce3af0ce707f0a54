"""Signing in and out, emailed sign-in links, and setting a password (or accepting an invitation)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from kit.errors import AppError, FieldProblem, ValidationFailed
from kit.web.page import messages
from services.registry.access.schemas import MAX_PASSWORD, MIN_PASSWORD
from services.registry.access.service import signin, staff
from services.registry.access.throttle import limit_login
from services.registry.web.page import Page, RegistryPage

router = APIRouter(include_in_schema=False)
MAX_EMAIL, MAX_TOKEN, MAX_NAME = 320, 500, 100


def home_of(operator: bool) -> str:
    """Where a person lands after signing in."""
    return "/registry/operator/queue" if operator else "/registry/status"


@router.get("/login")
async def login_form(page: Page) -> Response:
    return page.page("access/login.html", error=None, sent=False, email="")


@router.post("/login")
async def login_submit(page: Page) -> Response:
    form = await page.form()
    email = form.get("email", "").strip()[:MAX_EMAIL]
    limit_login(page.request, page.deps.limits, email)
    try:
        if form.get("method") == "link":
            if "@" not in email:
                raise ValidationFailed([FieldProblem("email", "email", "メールアドレスを入力してください。",
                                                     "Enter your email address.")])
            await signin.request_login_link(uow=page.deps.uow, keys=page.deps.links, email=email,
                                            locale=page.locale)
            return page.page("access/login.html", error=None, sent=True, email=email)
        who = await signin.authenticate(uow=page.deps.uow, email=email,
                                        password=form.get("password", "")[:MAX_PASSWORD])
    except AppError as exc:
        if exc.status not in (401, 422):
            raise
        return page.page("access/login.html", status=exc.status, error=messages(exc, page.locale)[0], sent=False,
                         email=email)
    page.sign_in(who)
    return page.redirect(home_of(who.is_operator))


@router.get("/login/link/{token}")
async def login_by_link(page: Page, token: str) -> Response:
    """Opening the emailed link signs in once; a used or expired link shows the sign-in page."""
    try:
        who = await signin.redeem_login_link(uow=page.deps.uow, keys=page.deps.links, token=token[:MAX_TOKEN])
    except AppError as exc:
        return page.page("access/login.html", status=exc.status, error=messages(exc, page.locale)[0], sent=False,
                         email="")
    page.sign_in(who)
    return page.redirect(home_of(who.is_operator))


@router.post("/logout")
async def logout(page: Page) -> Response:
    await page.form()
    page.sign_out()
    return page.redirect("/registry/")


@router.get("/password/{token}")
async def password_form(page: Page, token: str) -> Response:
    return page.page("access/password.html", token=token[:MAX_TOKEN], invite=False, error=None, errors={})


@router.get("/invite/{token}")
async def invite_form(page: Page, token: str) -> Response:
    return page.page("access/password.html", token=token[:MAX_TOKEN], invite=True, error=None, errors={})


@router.post("/password/{token}")
async def password_submit(page: Page, token: str) -> Response:
    return await _set_password(page, token[:MAX_TOKEN], invite=False)


@router.post("/invite/{token}")
async def invite_submit(page: Page, token: str) -> Response:
    return await _set_password(page, token[:MAX_TOKEN], invite=True)


async def _set_password(page: RegistryPage, token: str, *, invite: bool) -> Response:
    form = await page.form()
    password, name = form.get("password", ""), form.get("display_name", "").strip()
    try:
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise ValidationFailed([FieldProblem("password", "length", "パスワードは10文字以上で入力してください。",
                                                 "Use a password of at least 10 characters.")])
        if invite and not 0 < len(name) <= MAX_NAME:
            raise ValidationFailed([FieldProblem("display_name", "required", "お名前を入力してください。",
                                                 "Enter your name.")])
        deps = page.deps
        who = (await staff.accept_invitation(uow=deps.uow, keys=deps.links, token=token, display_name=name,
                                             password=password) if invite else
               await signin.set_password(uow=deps.uow, keys=deps.links, token=token, password=password))
    except AppError as exc:
        error, errors = messages(exc, page.locale)
        return page.page("access/password.html", status=exc.status, token=token, invite=invite, error=error,
                         errors=errors)
    page.sign_in(who)
    return page.redirect(home_of(who.is_operator))
