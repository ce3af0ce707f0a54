"""Delivery pages: the operators' delivery log (search, one delivery's tries, resend, suppressed
addresses and lifting them), and the development mailbox (the built-in SMTP sink's catch)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kit.errors import AppError, NotFound
from kit.web.pages import render
from services.notify.delivery import service
from services.notify.domain.kinds import Channel, DeliveryState
from services.notify.web import Deps, Page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
LOG = "/notify/ops/deliveries"


@router.get("/ops/deliveries", response_model=None)
async def delivery_log(
    page: Page,
    recipient: Annotated[str, Query(max_length=320)] = "",
    event_id: Annotated[str, Query(max_length=36)] = "",
    state: Annotated[str, Query(max_length=16)] = "",
    channel: Annotated[str, Query(max_length=16)] = "",
    n: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The delivery log, searched by recipient, source event, state or channel; suppressed addresses."""
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    try:
        event = UUID(event_id) if event_id else None
    except ValueError:
        event = None
    query = service.LogQuery(
        recipient=recipient.strip() or None, event_id=event,
        state=state if state in DeliveryState.__members__ else None,
        channel=channel if channel in Channel.__members__ else None, limit=PAGE_SIZE + 1, offset=(n - 1) * PAGE_SIZE)
    rows = await service.search(uow=page.deps.uow, viewer=who, query=query)
    suppressed = await service.list_suppressions(uow=page.deps.uow, viewer=who, active_only=True, limit=100, offset=0)
    return page.page("delivery/log.html", rows=rows[:PAGE_SIZE], more=len(rows) > PAGE_SIZE, n=n,
                     query={"recipient": recipient, "event_id": event_id, "state": state, "channel": channel},
                     states=list(DeliveryState), channels=list(Channel), suppressed=suppressed)


@router.get("/ops/deliveries/{delivery_id}", response_model=None)
async def delivery_detail(delivery_id: UUID, page: Page) -> Response:
    """One delivery: its content, every try, and a resend button."""
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    delivery, attempts = await service.delivery_log(uow=page.deps.uow, viewer=who, delivery_id=delivery_id)
    resendable = delivery.state in service.RESENDABLE and delivery.channel != Channel.inbox and bool(delivery.recipient)
    return page.page("delivery/detail.html", d=delivery, attempts=attempts, resendable=resendable)


@router.post("/ops/deliveries/{delivery_id}/resend", response_model=None)
async def resend(delivery_id: UUID, page: Page) -> Response:
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    await page.form()  # the CSRF check
    try:
        fresh = await service.resend(uow=page.deps.uow, viewer=who, delivery_id=delivery_id)
    except AppError as exc:
        if isinstance(exc, NotFound):
            raise
        delivery, attempts = await service.delivery_log(uow=page.deps.uow, viewer=who, delivery_id=delivery_id)
        return page.page("delivery/detail.html", status=exc.status, d=delivery, attempts=attempts, resendable=False,
                         error=exc.ja if page.locale == "ja" else exc.en)
    (page.deps.webhooks if fresh.channel == Channel.webhook else page.deps.mailer).wake()
    return page.redirect(f"{LOG}/{fresh.id}")


@router.post("/ops/suppressions/{address_hash}/lift", response_model=None)
async def lift(address_hash: str, page: Page) -> Response:
    if (who := page.require_operator()) is None:
        return page.login_redirect()
    await page.form()
    await service.lift_suppression(uow=page.deps.uow, viewer=who, address_hash=address_hash)
    return page.redirect(LOG)


@router.get("/dev/mailbox", response_model=None)
async def dev_mailbox(request: Request, deps: Deps, format: str = "html") -> Any:
    """Mail the built-in SMTP sink received (all-in-one development only)."""
    sink = deps.smtp_sink
    if sink is None:
        raise NotFound(ja="開発用メールボックスは無効です（SMTP_URL 設定時）。",
                       en="The development mailbox is off (SMTP_URL is set).")
    messages = list(reversed(sink.messages))
    if format == "json":
        return [{"received_at": m.received_at.isoformat(), "mail_from": m.mail_from, "to": m.to, "subject": m.subject,
                 "body": m.body, "message_id": m.message_id,
                 "attachments": [a.filename for a in m.attachments if a.filename]} for m in messages]
    return HTMLResponse(render(request, "notify/delivery/mailbox.html", messages=messages))
