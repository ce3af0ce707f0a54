"""Webhooks' HTTP API: a member's endpoints. The member's admins change them; its staff may read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from kit.db.types import utcnow
from kit.web.openapi import problems
from services.notify.models import Delivery
from services.notify.web import Caller, Deps
from services.notify.webhooks import service
from services.notify.webhooks.domain.endpoints import rotating_until
from services.notify.webhooks.domain.event_types import selectable
from services.notify.webhooks.schemas import (
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointDetail,
    WebhookEndpointPage,
    WebhookEndpointUpdate,
    WebhookEventTypeRead,
    WebhookSecretRead,
)
from services.notify.webhooks.service import EndpointChanges, EndpointView
from services.notify.webhooks.targets import allow_private

router = APIRouter(tags=["webhooks"])
BASE = "/members/{member_id}/webhooks"


def delivery_read(d: Delivery) -> WebhookDeliveryRead:
    return WebhookDeliveryRead(id=d.id, event_type=d.template, state=d.state, attempts=d.attempts, reason=d.reason,
                               created_at=d.created_at, next_attempt_at=d.next_attempt_at, sent_at=d.sent_at)


def endpoint_fields(view: service.WithSecret | EndpointView) -> dict[str, Any]:
    e = view.endpoint
    return {"id": e.id, "member_id": e.member_id, "url": e.url, "description": e.description,
            "event_types": service.event_types_of(e), "enabled": e.enabled, "disabled_reason": e.disabled_reason,
            "rotating_until": rotating_until(e.previous_secret, e.previous_secret_until, utcnow()),
            "created_at": e.created_at, "updated_at": e.updated_at}


def detail(view: EndpointView) -> WebhookEndpointDetail:
    return WebhookEndpointDetail(**endpoint_fields(view), recent_deliveries=[delivery_read(d) for d in view.deliveries])


@router.get("/webhook-event-types", response_model=list[WebhookEventTypeRead], responses=problems(401))
async def webhook_event_types(who: Caller) -> Any:
    """The event types an endpoint may subscribe to (`webhook.test.v1` is the test event)."""
    return [WebhookEventTypeRead(name=t.name, ja=t.ja, en=t.en) for t in selectable()]


@router.get(BASE, response_model=WebhookEndpointPage, responses=problems(401, 404))
async def list_webhooks(member_id: UUID, deps: Deps, who: Caller) -> Any:
    """The member's endpoints, each with its recent deliveries."""
    views = await service.list_endpoints(uow=deps.uow, member_id=member_id, actor=who)
    return WebhookEndpointPage(items=[detail(v) for v in views])


@router.post(BASE, response_model=WebhookEndpointCreated, status_code=201, responses=problems(401, 403, 404, 409))
async def create_webhook(member_id: UUID, body: WebhookEndpointCreate, deps: Deps, who: Caller) -> Any:
    """Register an HTTPS endpoint (member admins). The signing secret is in this answer only."""
    created = await service.create_endpoint(
        uow=deps.uow, member_id=member_id, actor=who, url=body.url, event_types=body.event_types,
        description=body.description, locale=body.locale, allow_private=allow_private(deps.config, deps.production))
    return WebhookEndpointCreated(**endpoint_fields(created), secret=created.secret)


@router.get(BASE + "/{endpoint_id}", response_model=WebhookEndpointDetail, responses=problems(401, 404))
async def get_webhook(member_id: UUID, endpoint_id: UUID, deps: Deps, who: Caller) -> Any:
    """One endpoint with its recent deliveries."""
    return detail(await service.get_endpoint(uow=deps.uow, member_id=member_id, endpoint_id=endpoint_id, actor=who))


@router.patch(BASE + "/{endpoint_id}", response_model=WebhookEndpointDetail, responses=problems(401, 403, 404))
async def update_webhook(member_id: UUID, endpoint_id: UUID, body: WebhookEndpointUpdate, deps: Deps,
                         who: Caller) -> Any:
    """Change the URL, description, event types, or turn the endpoint on or off (member admins).
    Turned off, what still waits for it is not sent."""
    changes = EndpointChanges(url=body.url, description=body.description, event_types=body.event_types,
                              enabled=body.enabled)
    view = await service.update_endpoint(uow=deps.uow, member_id=member_id, endpoint_id=endpoint_id, actor=who,
                                         changes=changes, allow_private=allow_private(deps.config, deps.production))
    return detail(view)


@router.post(BASE + "/{endpoint_id}/rotate-secret", response_model=WebhookSecretRead,
             responses=problems(401, 403, 404))
async def rotate_webhook_secret(member_id: UUID, endpoint_id: UUID, deps: Deps, who: Caller) -> Any:
    """A new signing secret (in this answer only); the previous one keeps signing for 24 hours."""
    rotated = await service.rotate_secret(uow=deps.uow, member_id=member_id, endpoint_id=endpoint_id, actor=who)
    return WebhookSecretRead(secret=rotated.secret, previous_secret_until=rotated.endpoint.previous_secret_until)


@router.post(BASE + "/{endpoint_id}/test", response_model=WebhookDeliveryRead, status_code=202,
             responses=problems(401, 403, 404, 409))
async def send_test_webhook(member_id: UUID, endpoint_id: UUID, deps: Deps, who: Caller) -> Any:
    """Send the test event (`webhook.test.v1`) to the endpoint now; follow it in its deliveries."""
    delivery = await service.send_test(uow=deps.uow, member_id=member_id, endpoint_id=endpoint_id, actor=who)
    deps.webhooks.wake()
    return delivery_read(delivery)


@router.delete(BASE + "/{endpoint_id}", status_code=204, response_class=Response,
               responses=problems(401, 403, 404))
async def delete_webhook(member_id: UUID, endpoint_id: UUID, deps: Deps, who: Caller) -> Response:
    """Delete the endpoint; its deliveries stay in the log."""
    await service.delete_endpoint(uow=deps.uow, member_id=member_id, endpoint_id=endpoint_id, actor=who)
    return Response(status_code=204)

