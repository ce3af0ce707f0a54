"""Webhooks' pages: a member's endpoints with their recent deliveries, and the admin's forms
(register, send test event, rotate secret, enable or disable, delete). Session sign-in; every
form carries the session's CSRF token. A new secret is shown once, on the page that made it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.responses import Response

from kit.errors import AppError, NotFound, ValidationFailed
from kit.web.auth import MEMBER_ADMIN, Principal
from kit.web.page import messages
from services.notify.web import NotifyPage, Page
from services.notify.webhooks import service
from services.notify.webhooks.domain.endpoints import MAX_ENDPOINTS
from services.notify.webhooks.domain.event_types import selectable
from services.notify.webhooks.service import WithSecret
from services.notify.webhooks.targets import allow_private

router = APIRouter(include_in_schema=False)
BASE = "/members/{member_id}/webhooks"
TEMPLATE = "webhooks/endpoints.html"
MAX_EVENT_TYPES_POSTED = 100
DONE = {"test": "test", "enable": "enabled", "disable": "disabled", "delete": "deleted"}


def _page_url(member_id: UUID) -> str:
    return f"/notify/members/{member_id}/webhooks"


def _text(raw: FormData, name: str, limit: int) -> str:
    value = raw.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _manages(who: Principal) -> bool:
    return who.is_operator or who.role == MEMBER_ADMIN


async def _show(page: NotifyPage, who: Principal, member_id: UUID, *, status: int = 200,
                secret: WithSecret | None = None, errors: dict[str, str] | None = None,
                form: dict[str, Any] | None = None, error: str | None = None) -> Response:
    views = await service.list_endpoints(uow=page.deps.uow, member_id=member_id, actor=who)
    notice = page.request.query_params.get("done")
    return page.page(
        TEMPLATE, status=status, member_id=member_id, views=views, event_types=selectable(),
        event_types_of=service.event_types_of, manages=_manages(who), secret=secret, errors=errors or {},
        form=form or {"url": "", "description": "", "event_types": []}, error=error,
        notice=notice if notice in DONE.values() else None, max_endpoints=MAX_ENDPOINTS,
        allow_private=allow_private(page.deps.config, page.deps.production))


@router.get(BASE, response_model=None)
async def webhooks_page(member_id: UUID, page: Page) -> Response:
    """The member's endpoints and their recent deliveries (the member's staff may look)."""
    who = page.who
    if who is None:
        return page.login_redirect()
    return await _show(page, who, member_id)


@router.post(BASE, response_model=None)
async def create_webhook(member_id: UUID, page: Page) -> Response:
    who = page.who
    if who is None:
        return page.login_redirect()
    raw = await page.raw_form()
    url, description = _text(raw, "url", 2000), _text(raw, "description", 200)
    picked = [v for v in raw.getlist("event_types") if isinstance(v, str)][:MAX_EVENT_TYPES_POSTED]
    values: dict[str, Any] = {"url": url, "description": description, "event_types": picked}
    try:
        created = await service.create_endpoint(
            uow=page.deps.uow, member_id=member_id, actor=who, url=url, event_types=picked, description=description,
            locale=page.locale, allow_private=allow_private(page.deps.config, page.deps.production))
    except ValidationFailed as exc:
        _, fields = messages(exc, page.locale)
        errors: dict[str, str] = {}
        for name, message in fields.items():  # event_types.2 shows beside the event types
            errors.setdefault(name.split(".")[0], message)
        return await _show(page, who, member_id, status=422, errors=errors, form=values)
    except AppError as exc:
        if exc.status != 409:
            raise
        return await _show(page, who, member_id, status=409, error=messages(exc, page.locale)[0], form=values)
    return await _show(page, who, member_id, status=201, secret=created)


@router.post(BASE + "/{endpoint_id}/rotate", response_model=None)
async def rotate_webhook_secret(member_id: UUID, endpoint_id: UUID, page: Page) -> Response:
    who = page.who
    if who is None:
        return page.login_redirect()
    await page.raw_form()
    rotated = await service.rotate_secret(uow=page.deps.uow, member_id=member_id, endpoint_id=endpoint_id,
                                          actor=who)
    return await _show(page, who, member_id, secret=rotated)


@router.post(BASE + "/{endpoint_id}/{action}", response_model=None)
async def webhook_action(member_id: UUID, endpoint_id: UUID, action: str, page: Page) -> Response:
    """Send test event, enable, disable, delete: then back to the list, saying what was done."""
    who = page.who
    if who is None:
        return page.login_redirect()
    if action not in DONE:
        raise NotFound()
    await page.raw_form()
    uow = page.deps.uow
    try:
        if action == "test":
            await service.send_test(uow=uow, member_id=member_id, endpoint_id=endpoint_id, actor=who)
            page.deps.webhooks.wake()
        elif action == "delete":
            await service.delete_endpoint(uow=uow, member_id=member_id, endpoint_id=endpoint_id, actor=who)
        else:
            await service.set_enabled(uow=uow, member_id=member_id, endpoint_id=endpoint_id, actor=who,
                                      enabled=action == "enable")
    except AppError as exc:
        if exc.status != 409:
            raise
        return await _show(page, who, member_id, status=409, error=messages(exc, page.locale)[0])
    return page.redirect(f"{_page_url(member_id)}?done={DONE[action]}")
