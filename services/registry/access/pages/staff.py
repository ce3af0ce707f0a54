"""A member's staff page: who acts for the member; its admins invite and remove people."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kit.errors import AppError, FieldProblem, NotFound, ValidationFailed
from kit.web.auth import Principal
from kit.web.page import messages
from services.registry.access.domain.roles import STAFF, as_staff_role
from services.registry.access.service import staff
from services.registry.membership.service import records
from services.registry.web.page import Page, RegistryPage

router = APIRouter(include_in_schema=False)
MAX_EMAIL = 320


async def _staff_page(page: RegistryPage, who: Principal, status: int = 200, error: str | None = None,
                      notice: str | None = None) -> Response:
    assert who.member_id
    member = await records.get_member(uow=page.deps.uow, member_id=who.member_id, viewer=who)
    people = await staff.list_staff(uow=page.deps.uow, member_id=who.member_id, viewer=who)
    return page.page("access/staff.html", status=status, member=member, staff=people, error=error, notice=notice)


@router.get("/staff")
async def staff_page(page: Page) -> Response:
    if (who := page.member_user) is None:
        return page.redirect("/registry/login")
    return await _staff_page(page, who)


@router.post("/staff/invite")
async def staff_invite(page: Page) -> Response:
    form = await page.form()
    if (who := page.member_user) is None or who.member_id is None:
        return page.redirect("/registry/login")
    email, role = form.get("email", "").strip(), as_staff_role(form.get("role", STAFF))
    try:
        if "@" not in email or len(email) > MAX_EMAIL or role is None:
            raise ValidationFailed([FieldProblem("email", "email", "メールアドレスと役割を確認してください。",
                                                 "Check the email address and the role.")])
        await staff.invite_staff(uow=page.deps.uow, keys=page.deps.links, member_id=who.member_id, actor=who,
                                 email=email, role=role, locale=page.locale)
    except AppError as exc:
        return await _staff_page(page, who, status=exc.status, error=messages(exc, page.locale)[0])
    notice = f"{email} に招待メールを送りました。" if page.locale == "ja" else f"An invitation was sent to {email}."
    return await _staff_page(page, who, notice=notice)


@router.post("/staff/{user_id}/remove")
async def staff_remove(page: Page, user_id: str) -> Response:
    await page.form()
    if (who := page.member_user) is None or who.member_id is None:
        return page.redirect("/registry/login")
    try:
        try:
            target = UUID(user_id[:36])
        except ValueError as exc:
            raise NotFound(ja="利用者が見つかりません。", en="User not found.") from exc
        await staff.remove_staff(uow=page.deps.uow, member_id=who.member_id, user_id=target, actor=who)
    except AppError as exc:
        return await _staff_page(page, who, status=exc.status, error=messages(exc, page.locale)[0])
    return page.redirect("/registry/staff")
