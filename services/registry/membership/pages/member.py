"""A member's own membership page: its status and history, its details, submit and withdraw."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.responses import Response

from kit.errors import AppError, FieldProblem, ValidationFailed
from kit.web.auth import Principal
from kit.web.page import messages
from kit.web.problems import field_problems
from services.registry.membership.domain.workflow import STATUS_LABELS, Action, allowed_actions
from services.registry.membership.schemas import MAX_TAGS, MemberUpdate
from services.registry.membership.service import records, review
from services.registry.web.page import Page, RegistryPage, form_tags

router = APIRouter(include_in_schema=False)
TEXT_FIELDS = ("name", "corporate_number", "contact_name", "website")


async def _status_page(page: RegistryPage, who: Principal, status: int = 200, error: str | None = None,
                       errors: dict[str, str] | None = None) -> Response:
    assert who.member_id
    member = await records.get_member(uow=page.deps.uow, member_id=who.member_id, viewer=who)
    history = await records.member_history(uow=page.deps.uow, member_id=who.member_id, viewer=who)
    actions = [a for a in allowed_actions(member.status) if a in review.MEMBER_ACTIONS]
    return page.page("membership/status.html", status=status, member=member, history=history, actions=actions,
                     statuses=STATUS_LABELS, error=error, errors=errors or {},
                     applied=page.request.query_params.get("applied") == "1")


@router.get("/status")
async def status_page(page: Page) -> Response:
    if (who := page.member_user) is None:
        return page.redirect("/registry/login")
    return await _status_page(page, who)


@router.post("/status/edit")
async def status_edit(page: Page) -> Response:
    form = await page.form()
    if (who := page.member_user) is None or who.member_id is None:
        return page.redirect("/registry/login")
    fields: dict[str, Any] = {k: form[k].strip() for k in TEXT_FIELDS if form.get(k)}
    if "activity_tags" in form:
        fields["activity_tags"] = form_tags(form["activity_tags"], MAX_TAGS)
    if form.get("directory_form") == "1":
        fields["directory_opt_in"] = form.get("directory_opt_in") == "1"
    try:
        try:
            data = MemberUpdate.model_validate(fields)
        except ValidationError as exc:
            raise ValidationFailed(field_problems(exc.errors(), default_field="form")) from exc
        await records.update_member(uow=page.deps.uow, gazetteer=page.deps.gazetteer, member_id=who.member_id,
                                    actor=who, data=data)
    except AppError as exc:
        error, errors = messages(exc, page.locale)
        return await _status_page(page, who, status=exc.status, error=error, errors=errors)
    return page.redirect("/registry/status")


@router.post("/status/{action}")
async def status_action(page: Page, action: str) -> Response:
    form = await page.form()
    if (who := page.member_user) is None or who.member_id is None:
        return page.redirect("/registry/login")
    try:
        if action not in {a.value for a in review.MEMBER_ACTIONS}:
            raise ValidationFailed([FieldProblem("action", "enum", "操作が正しくありません。", "Unknown action.")])
        await review.transition(uow=page.deps.uow, member_id=who.member_id, action=Action(action), actor=who,
                                note=form.get("note", "").strip() or None)
    except AppError as exc:
        return await _status_page(page, who, status=exc.status, error=messages(exc, page.locale)[0])
    return page.redirect("/registry/status")
