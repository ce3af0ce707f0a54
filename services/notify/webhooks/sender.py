"""Sends due webhook deliveries: a job on the kit's worker (`kit/worker.py`), with a lease.

The worker claims due deliveries by marking them `sending` until `lease_until` and commits
that before any request goes out, so no lock is held over the network; a process that dies
mid-send leaves rows whose lease runs out and which `due` offers again, with the same
`webhook-id` (the delivery's id), so the receiver can drop the repeat.

Each try is signed afresh (Standard Webhooks, `signing.py`) and goes to an address checked
by the guard just before (`domain/guard.py`): outside development the sender connects to the
address it checked, not to whatever the name resolves to a moment later. 2xx is delivered;
anything else, a redirect included, or a network error is retried with backoff for about a
day (each try emitting `notify.delivery.sent`, or `…deferred` with reason retry). A delivery that
gives up emits `notify.delivery.failed`; if nothing reached its endpoint meanwhile, the endpoint
is disabled and its admin told.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import httpx
from opentelemetry import trace
from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.contracts.notify import DeliveryFailed
from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from kit.worker import Backoff, DueQuery, Outcome, Worker
from services.notify.delivery import leases
from services.notify.delivery.announce import Emit, tried, write
from services.notify.delivery.dispatch import notify_person
from services.notify.domain.kinds import Channel, DeliveryState
from services.notify.messages.catalog import WEBHOOK_DISABLED
from services.notify.models import Delivery, DeliveryAttempt, WebhookEndpoint
from services.notify.preferences.tokens import UnsubscribeLinks
from services.notify.webhooks import repository, signing
from services.notify.webhooks.domain.endpoints import disable_reason, should_disable, signing_secrets
from services.notify.webhooks.domain.guard import address_problem, url_problem
from services.notify.webhooks.targets import resolve, split

log = logging.getLogger(__name__)
tracer = trace.get_tracer("kakawari.notify.webhooks")
USER_AGENT = "kakawari-webhooks/1"
# Fourteen tries over about a day: 1, 2, 4, … 128 minutes, then every 4 hours (the cap):
# 1+2+4+8+16+32+64+128 min ≈ 4.25 h for the first eight waits, 5 × 4 h for the next five,
# ≈ 24.25 h in all (each wait ± 20 % jitter, so the whole between about 19 and 29 hours).
WEBHOOK_BACKOFF = Backoff(base_s=60.0, factor=2.0, cap_s=4 * 3600.0, jitter=0.2, max_attempts=14)
SEND_TIMEOUT_S = 10.0
CONCURRENCY = 16  # tries in flight at once, across endpoints
# The admin's notice about a disabled endpoint is keyed by this namespace, the endpoint and the time.
DISABLED_NAMESPACE = uuid.UUID("6c1f3b9e-5d0a-4f43-9a53-0b7f2d8e6a11")


class Refused(Exception):
    """Not sent: the guard refused the address, or the name did not resolve."""


class Rejected(Exception):
    """The receiver answered, but not with a 2xx."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


@dataclass(frozen=True, slots=True)
class PendingHook:
    id: UUID  # also the `webhook-id`
    attempts: int
    traceparent: str | None
    endpoint_id: UUID
    url: str
    body: str
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    event_type: str
    source_event_id: UUID | None
    recipient_hash: str
    created_at: datetime


class WebhookJob:
    name = "webhooks"

    def __init__(self, uow: UnitOfWorkFactory, *, allow_private: bool, backoff: Backoff = WEBHOOK_BACKOFF,
                 links: UnsubscribeLinks, timeout_s: float = SEND_TIMEOUT_S) -> None:
        self.uow = uow
        self.allow_private = allow_private
        self.backoff = backoff
        self.links = links
        self.timeout_s = timeout_s
        self._tls = ssl.create_default_context()  # built once: loading the CA bundle is not free
        d, e = Delivery, WebhookEndpoint
        self._due = (
            select(d.id, d.attempts, d.traceparent, d.body_text, d.template, d.source_event_id, d.recipient_hash,
                   d.created_at, e.id.label("endpoint_id"), e.url, e.secret, e.previous_secret,
                   e.previous_secret_until)
            .join(e, e.id == d.endpoint_id)
            .where(d.channel == Channel.webhook, e.enabled)
        )

    # -- the worker's side ------------------------------------------------------------------
    def due(self, now: datetime, limit: int) -> DueQuery:
        d = Delivery
        return self._due.where(leases.ready(now)).order_by(d.next_attempt_at, d.id).limit(limit)

    def item(self, row: Row[Any]) -> PendingHook:
        return PendingHook(row.id, row.attempts, row.traceparent, row.endpoint_id, row.url, row.body_text,
                           row.secret, row.previous_secret, row.previous_secret_until, row.template,
                           row.source_event_id, row.recipient_hash, row.created_at)

    async def claim(self, session: AsyncSession, items: Sequence[PendingHook], until: datetime) -> None:
        await leases.claim(session, (i.id for i in items), until)

    async def perform(self, items: Sequence[PendingHook]) -> list[BaseException | None]:
        limit = asyncio.Semaphore(CONCURRENCY)
        # No connection is kept for reuse: connections are pooled by address, and one opened (and
        # its certificate checked) for one endpoint's name must not carry another's request.
        async with httpx.AsyncClient(verify=self._tls, follow_redirects=False, trust_env=False,
                                     timeout=httpx.Timeout(self.timeout_s),
                                     limits=httpx.Limits(max_keepalive_connections=0),
                                     headers={"user-agent": USER_AGENT}) as client:

            async def one(hook: PendingHook) -> BaseException | None:
                async with limit:
                    return await self._try(client, hook)

            return list(await asyncio.gather(*(one(hook) for hook in items)))

    async def settle(self, session: AsyncSession, items: Sequence[PendingHook], outcomes: Sequence[Outcome]) -> None:
        """Each outcome into its row and the log of tries, and its event (sent, deferred to a
        retry, failed) into the outbox, in this transaction."""
        now = utcnow()
        endpoints = await repository.endpoints_by_id(session, {i.endpoint_id for i in items})
        gave_up: list[tuple[PendingHook, Outcome]] = []
        events: list[EventContract] = []
        for hook, outcome in zip(items, outcomes, strict=True):
            endpoint = endpoints.get(hook.endpoint_id)
            values: dict[str, Any] = {"attempts": outcome.attempts, "lease_until": None, "updated_at": now,
                                      "reason": outcome.error_text}
            logged: str  # the try's outcome in the log: sent, retry or failed
            if outcome.done:
                values |= {"state": DeliveryState.sent, "sent_at": now}
                logged = DeliveryState.sent
            elif outcome.given_up:
                values["state"], logged = DeliveryState.failed, DeliveryState.failed
                gave_up.append((hook, outcome))
            elif endpoint is None or not endpoint.enabled:  # turned off or deleted while this try ran
                why = "endpoint deleted" if endpoint is None else "endpoint disabled"
                values |= {"state": DeliveryState.suppressed, "reason": f"{why}; last: {outcome.error_text}"}
                logged = DeliveryState.failed
            else:
                values |= {"state": DeliveryState.deferred, "next_attempt_at": outcome.retry_at}
                logged = "retry"
            if values["state"] in (DeliveryState.sent, DeliveryState.deferred) and (told := tried(
                    delivery_id=hook.id, channel=Channel.webhook, template=hook.event_type,
                    source_event_id=hook.source_event_id, outcome=outcome, at=now)):
                events.append(told)
            await session.execute(update(Delivery).where(Delivery.id == hook.id).values(**values))
            await session.execute(insert(DeliveryAttempt).values(
                delivery_id=hook.id, attempt=outcome.attempts, at=now, outcome=logged, error=outcome.error_text,
                retry_at=None if outcome.given_up else outcome.retry_at))
        for hook, outcome in gave_up:
            await self._gave_up(session, events.append, hook, outcome, endpoints.get(hook.endpoint_id), now)
        await write(session, self.uow.outbox, events)

    # -- one try ----------------------------------------------------------------------------
    async def _try(self, client: httpx.AsyncClient, hook: PendingHook) -> BaseException | None:
        parent = MESSAGE_PROPAGATOR.extract({"traceparent": hook.traceparent}) if hook.traceparent else None
        with tracer.start_as_current_span(
            "webhook send", context=parent, kind=trace.SpanKind.CLIENT,
            attributes={"notify.delivery_id": str(hook.id), "notify.endpoint_id": str(hook.endpoint_id),
                        "notify.event_type": hook.event_type},
        ) as span:
            try:
                async with asyncio.timeout(self.timeout_s):  # the whole try, however slowly it drips
                    status = await self._post(client, hook)
                span.set_attribute("http.response.status_code", status)
                if not 200 <= status < 300:
                    raise Rejected(status)
            except Exception as exc:  # noqa: BLE001 - whatever went wrong, this try failed; the others go on
                span.record_exception(exc)
                span.set_status(trace.Status(trace.StatusCode.ERROR, repr(exc)))
                return exc
        return None

    async def _post(self, client: httpx.AsyncClient, hook: PendingHook) -> int:
        """POST the signed body to a checked address; the response's status."""
        now = utcnow()
        signing_with = signing_secrets(hook.secret, hook.previous_secret, hook.previous_secret_until, now)
        headers = signing.headers(str(hook.id), now, hook.body, signing_with)
        url = httpx.URL(hook.url)
        target = split(hook.url)
        problem = url_problem(hook.url, target, allow_private=self.allow_private)
        if problem is not None or target is None:
            raise Refused(problem.en if problem else "the URL does not parse")
        if self.allow_private:  # development: wherever the name leads
            return await self._send(client, url, headers, hook.body, None)
        addresses = await resolve(target)
        if (problem := address_problem(addresses, allow_private=False)) is not None:
            raise Refused(problem.en)
        # Connect to an address just checked; the name stays in Host and in TLS (SNI and the
        # certificate check), so the receiver sees an ordinary request.
        headers["host"] = url.netloc.decode("ascii")
        *others, last = addresses
        for address in others:
            try:
                return await self._send(client, url.copy_with(host=address), headers, hook.body, target.host)
            except httpx.ConnectError:  # that address does not answer: the next one may
                continue
        return await self._send(client, url.copy_with(host=last), headers, hook.body, target.host)

    async def _send(self, client: httpx.AsyncClient, url: httpx.URL, headers: dict[str, str], body: str,
                    server_name: str | None) -> int:
        extensions = {"sni_hostname": server_name} if server_name and url.scheme == "https" else None
        request = client.build_request("POST", url, headers=headers, content=body.encode(), extensions=extensions)
        response = await client.send(request, stream=True)  # the body is not read: only the status counts
        await response.aclose()
        return response.status_code

    # -- giving up --------------------------------------------------------------------------
    async def _gave_up(self, session: AsyncSession, emit: Emit, hook: PendingHook, outcome: Outcome,
                       endpoint: WebhookEndpoint | None, now: datetime) -> None:
        """Tell the platform (`notify.delivery.failed`), and disable the endpoint if it has failed
        throughout, telling its admin."""
        reason = outcome.error_text or "failed"
        emit(DeliveryFailed(delivery_id=hook.id, channel=Channel.webhook, template=hook.event_type,
                            source_event_id=hook.source_event_id, recipient_hash=hook.recipient_hash,
                            state=DeliveryState.failed, reason=reason, attempts=outcome.attempts, at=now))
        if endpoint is None or not endpoint.enabled:
            return
        last_success = await repository.last_success_at(session, endpoint.id)
        if not should_disable(failing_since=hook.created_at, last_success_at=last_success):
            return
        endpoint.enabled = False
        endpoint.disabled_reason = disable_reason(outcome.attempts, hook.created_at, now, outcome.error_text)
        endpoint.updated_at = now
        await repository.suppress_waiting(session, endpoint.id, "endpoint disabled after repeated failures", now)
        log.warning("webhook.endpoint.disabled", extra={"endpoint": str(endpoint.id), "member": str(endpoint.member_id),
                                                        "reason": endpoint.disabled_reason})
        if not endpoint.admin_email:  # the admin asked to be erased: nobody left to tell
            log.warning("webhook.endpoint.disabled.untold", extra={"endpoint": str(endpoint.id)})
            return
        await notify_person(
            session, emit, links=self.links, message=WEBHOOK_DISABLED, to=endpoint.admin_email,
            locale=endpoint.admin_locale,
            data={"endpoint_url": endpoint.url, "reason": endpoint.disabled_reason, "disabled_at": now,
                  "member_id": endpoint.member_id},
            source_event_id=uuid.uuid5(DISABLED_NAMESPACE, f"{endpoint.id}:{now.isoformat()}"),
            traceparent=hook.traceparent)


def webhook_sender(db: Database, uow: UnitOfWorkFactory, *, lease_s: float, allow_private: bool,
                   links: UnsubscribeLinks, backoff: Backoff = WEBHOOK_BACKOFF,
                   sweep_interval_s: float = 1.0, timeout_s: float = SEND_TIMEOUT_S) -> Worker[PendingHook]:
    """notify's webhook sender: the webhook job on the kit's worker, claiming with a lease.
    `links` signs the links in the admin's notice when an endpoint is disabled."""
    job = WebhookJob(uow, allow_private=allow_private, backoff=backoff, links=links, timeout_s=timeout_s)
    return Worker(job, db=db, service="notify", batch_size=50, sweep_interval_s=sweep_interval_s,
                  lease=job, lease_s=lease_s)
