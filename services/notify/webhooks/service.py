"""Webhooks' use cases: a member admin's endpoints (register, change, rotate, test, delete),
what staff may read, and `fan_out`, which queues an event for the endpoints that want it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from kit.messaging.envelope import Envelope, new_event_id
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.web.auth import Principal
from services.notify.domain.kinds import Category, Channel, DeliveryState
from services.notify.models import Delivery, WebhookEndpoint
from services.notify.webhooks import repository
from services.notify.webhooks.domain.endpoints import (
    MAX_ENDPOINTS,
    RECENT_DELIVERIES,
    ROTATION_OVERLAP,
    delivery_key,
    payload,
    recipient_hash,
    test_event_data,
)
from services.notify.webhooks.domain.event_types import TEST_EVENT, clean_event_types
from services.notify.webhooks.signing import new_secret
from services.notify.webhooks.targets import checked_url


@dataclass(frozen=True)
class EndpointView:
    endpoint: WebhookEndpoint
    deliveries: list[Delivery]  # the newest first


@dataclass(frozen=True)
class WithSecret:
    """An endpoint and its new secret: shown once, when created or rotated."""

    endpoint: WebhookEndpoint
    secret: str


@dataclass(frozen=True)
class EndpointChanges:
    """What an update may change; None leaves a field as it is."""

    url: str | None = None
    description: str | None = None
    event_types: list[str] | None = None
    enabled: bool | None = None


def event_types_of(endpoint: WebhookEndpoint) -> list[str]:
    value = json.loads(endpoint.event_types or "[]")
    return [str(v) for v in value] if isinstance(value, list) else []


async def _checked(url: str | None, event_types: list[str] | None, *,
                   allow_private: bool) -> tuple[str | None, list[str] | None]:
    """The URL and event types as stored, or every problem with them at once."""
    problems: list[FieldProblem] = []
    checked = None
    if url is not None:
        try:
            checked = await checked_url(url, allow_private=allow_private)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    types = None
    if event_types is not None:
        types, wrong = clean_event_types(event_types)
        problems.extend(wrong)
    if problems:
        raise ValidationFailed(problems)
    return checked, types


async def _endpoint(tx: UnitOfWork, member_id: UUID, endpoint_id: UUID) -> WebhookEndpoint:
    endpoint = await repository.endpoint_of(tx.session, member_id, endpoint_id)
    if endpoint is None:
        raise NotFound(ja="Webhookの送信先が見つかりません。", en="Webhook endpoint not found.")
    return endpoint


async def list_endpoints(*, uow: UnitOfWorkFactory, member_id: UUID, actor: Principal,
                         recent: int = RECENT_DELIVERIES) -> list[EndpointView]:
    """The member's endpoints with their recent deliveries (the member's staff may read)."""
    actor.require_member(member_id)
    async with uow.read() as session:
        endpoints = await repository.endpoints_of(session, member_id)
        recent_of = await repository.recent_deliveries(session, [e.id for e in endpoints], recent)
    return [EndpointView(e, recent_of[e.id]) for e in endpoints]


async def get_endpoint(*, uow: UnitOfWorkFactory, member_id: UUID, endpoint_id: UUID, actor: Principal,
                       recent: int = RECENT_DELIVERIES) -> EndpointView:
    actor.require_member(member_id)
    async with uow.read() as session:
        endpoint = await repository.endpoint_of(session, member_id, endpoint_id)
        if endpoint is None:
            raise NotFound(ja="Webhookの送信先が見つかりません。", en="Webhook endpoint not found.")
        recent_of = await repository.recent_deliveries(session, [endpoint.id], recent)
    return EndpointView(endpoint, recent_of[endpoint.id])


async def create_endpoint(*, uow: UnitOfWorkFactory, member_id: UUID, actor: Principal, url: str,
                          event_types: list[str], description: str = "", locale: str = "ja",
                          allow_private: bool) -> WithSecret:
    """Register an endpoint; its admin (the caller) is told if it is ever disabled."""
    actor.require_member(member_id, admin=True)
    checked, types = await _checked(url, event_types, allow_private=allow_private)
    assert checked is not None and types is not None  # both were given, so both came back
    async with uow() as tx:
        if await repository.count_endpoints(tx.session, member_id) >= MAX_ENDPOINTS:
            raise Conflict(ja=f"Webhookの送信先は{MAX_ENDPOINTS}件までです。",
                           en=f"A member may have at most {MAX_ENDPOINTS} webhook endpoints.")
        now, secret = utcnow(), new_secret()
        endpoint = WebhookEndpoint(
            id=new_event_id(), member_id=member_id, url=checked, description=description.strip(),
            event_types=json.dumps(types), secret=secret, enabled=True, admin_email=actor.email.lower(),
            admin_locale=locale if locale in ("ja", "en") else "ja", created_at=now, updated_at=now)
        tx.session.add(endpoint)
        await tx.commit()
    return WithSecret(endpoint, secret)


async def update_endpoint(*, uow: UnitOfWorkFactory, member_id: UUID, endpoint_id: UUID, actor: Principal,
                          changes: EndpointChanges, allow_private: bool) -> EndpointView:
    actor.require_member(member_id, admin=True)
    url, types = await _checked(changes.url, changes.event_types, allow_private=allow_private)
    async with uow() as tx:
        endpoint = await _endpoint(tx, member_id, endpoint_id)
        now = utcnow()
        if url is not None:
            endpoint.url = url
        if types is not None:
            endpoint.event_types = json.dumps(types)
        if changes.description is not None:
            endpoint.description = changes.description.strip()
        if changes.enabled is not None and changes.enabled != endpoint.enabled:
            await _switch(tx.session, endpoint, changes.enabled, now)
        endpoint.updated_at = now
        await tx.commit()
    return await get_endpoint(uow=uow, member_id=member_id, endpoint_id=endpoint_id, actor=actor)


async def set_enabled(*, uow: UnitOfWorkFactory, member_id: UUID, endpoint_id: UUID, actor: Principal,
                      enabled: bool) -> WebhookEndpoint:
    actor.require_member(member_id, admin=True)
    async with uow() as tx:
        endpoint = await _endpoint(tx, member_id, endpoint_id)
        if endpoint.enabled != enabled:
            now = utcnow()
            await _switch(tx.session, endpoint, enabled, now)
            endpoint.updated_at = now
        await tx.commit()
    return endpoint


async def _switch(session: AsyncSession, endpoint: WebhookEndpoint, enabled: bool, now: datetime) -> None:
    """Turn an endpoint on or off. What waits for one turned off is not sent (its log says so):
    turned on again, it gets what happens from then on, not a day's backlog at once."""
    endpoint.enabled = enabled
    endpoint.disabled_reason = None if enabled else "disabled by the member's admin"
    if not enabled:
        await repository.suppress_waiting(session, endpoint.id, "endpoint disabled by the member's admin", now)


async def rotate_secret(*, uow: UnitOfWorkFactory, member_id: UUID, endpoint_id: UUID,
                        actor: Principal) -> WithSecret:
    """A new secret; the current one keeps signing beside it for ROTATION_OVERLAP (a secret
    from an earlier rotation still under way stops at once: two sign at most)."""
    actor.require_member(member_id, admin=True)
    async with uow() as tx:
        endpoint = await _endpoint(tx, member_id, endpoint_id)
        now, secret = utcnow(), new_secret()
        endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, now + ROTATION_OVERLAP
        endpoint.secret, endpoint.updated_at = secret, now
        await tx.commit()
    return WithSecret(endpoint, secret)


async def send_test(*, uow: UnitOfWorkFactory, member_id: UUID, endpoint_id: UUID, actor: Principal) -> Delivery:
    """Queue the test event for one endpoint, whatever it subscribed to. The caller wakes the sender."""
    actor.require_member(member_id, admin=True)
    async with uow() as tx:
        endpoint = await _endpoint(tx, member_id, endpoint_id)
        if not endpoint.enabled:
            raise Conflict(ja="無効になっている送信先です。有効にしてからテスト送信してください。",
                           en="The endpoint is disabled. Enable it before sending a test event.")
        now, event_id = utcnow(), new_event_id()
        delivery = _delivery(endpoint, event_type=TEST_EVENT, source_event_id=event_id, now=now,
                             body=payload(TEST_EVENT, now, test_event_data(endpoint_id=endpoint.id,
                                                                           member_id=member_id)),
                             traceparent=None)
        tx.session.add(delivery)
        await tx.commit()
    return delivery


async def delete_endpoint(*, uow: UnitOfWorkFactory, member_id: UUID, endpoint_id: UUID, actor: Principal) -> None:
    """Delete an endpoint; its deliveries stay in the log, what still waited marked not sent."""
    actor.require_member(member_id, admin=True)
    async with uow() as tx:
        endpoint = await _endpoint(tx, member_id, endpoint_id)
        await repository.suppress_waiting(tx.session, endpoint.id, "endpoint deleted", utcnow())
        await tx.session.delete(endpoint)
        await tx.commit()


def _delivery(endpoint: WebhookEndpoint, *, event_type: str, source_event_id: UUID, now: datetime, body: str,
              traceparent: str | None) -> Delivery:
    recipient = str(endpoint.id)
    return Delivery(
        id=new_event_id(), key=delivery_key(source_event_id, endpoint.id, event_type), channel=Channel.webhook,
        template=event_type, category=Category.membership, critical=False, source_event_id=source_event_id,
        recipient=recipient, recipient_hash=recipient_hash(endpoint.id), locale=endpoint.admin_locale,
        subject=event_type, body_text=body, endpoint_id=endpoint.id, state=DeliveryState.queued, attempts=0,
        next_attempt_at=now, created_at=now, updated_at=now, traceparent=traceparent)


async def fan_out(session: AsyncSession, *, envelope: Envelope, member_id: UUID) -> int:
    """In the caller's transaction, queue the event for each enabled endpoint of the member that
    subscribed to its type; returns how many were queued. A redelivered event queues nothing
    twice (the delivery key). The caller wakes the sender after its commit."""
    event_type = envelope.versioned_type
    wanted = [e for e in await repository.enabled_endpoints(session, member_id) if event_type in event_types_of(e)]
    if not wanted:
        return 0
    keys = {delivery_key(envelope.id, e.id, event_type): e for e in wanted}
    queued = await repository.existing_keys(session, keys)
    fresh = [e for key, e in keys.items() if key not in queued]
    now = utcnow()
    body = payload(event_type, envelope.occurred_at, envelope.payload)
    session.add_all(_delivery(e, event_type=event_type, source_event_id=envelope.id, now=now, body=body,
                              traceparent=envelope.traceparent) for e in fresh)
    return len(fresh)
