"""The application form: anyone may apply; the applicant is signed in as the member's first admin."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.responses import Response

from kit.contracts.base import DEFAULT_LOCALE
from kit.errors import AppError, FieldProblem, ValidationFailed
from kit.web.locale import as_locale
from kit.web.page import messages
from kit.web.problems import field_problems
from services.registry.access.service import signin, signup
from services.registry.access.throttle import limit_apply
from services.registry.domain.local_government import Gazetteer
from services.registry.membership.schemas import MAX_TAGS, MemberApplicationCreate
from services.registry.web.page import Page, form_tags

router = APIRouter(include_in_schema=False)
_CODE = re.compile(r"\b([0-9０-９]{6})\b")
TEXT_FIELDS = ("kind", "legal_form", "name", "name_kana", "corporate_number", "contact_name", "contact_email",
               "website")


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


def _application(gazetteer: Gazetteer, form: dict[str, str]) -> MemberApplicationCreate:
    values: dict[str, Any] = {k: form.get(k, "").strip() or None for k in TEXT_FIELDS}
    values["local_government_code"] = resolve_local_government(gazetteer, form.get("local_government", ""))
    values["directory_opt_in"] = form.get("directory_opt_in") == "1"
    values["activity_tags"] = form_tags(form.get("activity_tags", ""), MAX_TAGS)
    values["locale"] = as_locale(form.get("locale")) or DEFAULT_LOCALE
    try:
        return MemberApplicationCreate.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed(field_problems(exc.errors(), default_field="form")) from exc


@router.get("/apply")
async def apply_form(page: Page) -> Response:
    return page.page("access/apply.html", form={}, errors={}, error=None)


@router.post("/apply")
async def apply_submit(page: Page) -> Response:
    form = await page.form()
    limit_apply(page.request, page.deps.limits)
    try:
        data = _application(page.deps.gazetteer, form)
        _, user = await signup.apply(uow=page.deps.uow, gazetteer=page.deps.gazetteer, keys=page.deps.links,
                                     data=data)
    except AppError as exc:
        if exc.status not in (409, 422):
            raise
        error, errors = messages(exc, page.locale)
        return page.page("access/apply.html", status=exc.status, form=form, errors=errors, error=error)
    page.sign_in(signin.principal_of(user))
    return page.redirect("/registry/status?applied=1")
