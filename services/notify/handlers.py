"""notify's subscriptions: every event it reacts to, in one place.

A handler names the message type (its template) and the recipient; `tell` decides each
channel through the delivery side's rules and wakes the senders once the transaction commits.
Events about a member also go to that member's webhooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from kit.contracts.registry import (
    LoginLinkRequested,
    MemberApplied,
    MemberApproved,
    MemberRejected,
    MemberReturned,
    MemberSuspended,
    MemberUpdated,
    MemberWithdrawn,
    PersonErased,
    StaffInvited,
)
from kit.db.types import utcnow
from kit.messaging.handlers import EventRouter, HandlerContext
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from services.notify.bootstrap import NotifyDeps
from services.notify.delivery import repository
from services.notify.delivery.dispatch import notify_person
from services.notify.messages import catalog
from services.notify.messages.catalog import MessageType
from services.notify.webhooks.service import fan_out

router: EventRouter[NotifyDeps] = EventRouter("notify")
Context = HandlerContext[NotifyDeps]


async def tell(ctx: Context, message: MessageType, *, to: str | None, locale: str, data: Mapping[str, Any]) -> None:
    """Queue `message` for one person, in the handler's transaction."""
    if not to:
        return
    deps = ctx.deps
    carrier: dict[str, str] = {}
    MESSAGE_PROPAGATOR.inject(carrier)  # the email's send continues this handler's trace
    planned = await notify_person(ctx.session, links=deps.links, message=message, to=to, locale=locale, data=data,
                                  source_event_id=ctx.envelope.id, traceparent=carrier.get("traceparent"))
    ctx.after_commit(lambda: planned.wake(deps.mailer.wake, deps.live.changed))


async def to_webhooks(ctx: Context, member_id: UUID) -> None:
    """Queue the event for the member's webhook endpoints that asked for it."""
    if await fan_out(ctx.session, envelope=ctx.envelope, member_id=member_id):
        ctx.after_commit(ctx.deps.webhooks.wake)


@router.on(MemberApplied, name="notify-member-applied")
async def on_member_applied(event: MemberApplied, ctx: Context) -> None:
    """Tell the secretariat's operators about a new application (or hold it for their digest)."""
    for operator in ctx.deps.config.operator_emails:
        await tell(ctx, catalog.MEMBER_APPLIED, to=operator, locale="ja", data={"event": event})
    await to_webhooks(ctx, event.member_id)


@router.on(MemberApproved, name="notify-member-approved")
async def on_member_approved(event: MemberApproved, ctx: Context) -> None:
    """Tell the applicant their membership was approved (inbox + email), and the member's webhooks."""
    await tell(ctx, catalog.MEMBER_APPROVED, to=event.contact_email, locale=event.locale, data={"event": event})
    await to_webhooks(ctx, event.member_id)


@router.on(MemberRejected, name="notify-member-rejected")
async def on_member_rejected(event: MemberRejected, ctx: Context) -> None:
    """Tell the applicant their application was rejected, with the reason."""
    await tell(ctx, catalog.MEMBER_REJECTED, to=event.contact_email, locale=event.locale, data={"event": event})
    await to_webhooks(ctx, event.member_id)


@router.on(MemberReturned, name="notify-member-returned")
async def on_member_returned(event: MemberReturned, ctx: Context) -> None:
    """Ask the applicant to update their application, with the reviewer's comment."""
    await tell(ctx, catalog.MEMBER_RETURNED, to=event.contact_email, locale=event.locale, data={"event": event})
    await to_webhooks(ctx, event.member_id)


@router.on(MemberSuspended, name="notify-member-suspended")
async def on_member_suspended(event: MemberSuspended, ctx: Context) -> None:
    """Tell the member's webhooks that its membership was suspended."""
    await to_webhooks(ctx, event.member_id)


@router.on(MemberWithdrawn, name="notify-member-withdrawn")
async def on_member_withdrawn(event: MemberWithdrawn, ctx: Context) -> None:
    """Tell the member's webhooks that its membership was withdrawn."""
    await to_webhooks(ctx, event.member_id)


@router.on(MemberUpdated, name="notify-member-updated")
async def on_member_updated(event: MemberUpdated, ctx: Context) -> None:
    """Tell the member's webhooks that its details or status changed."""
    await to_webhooks(ctx, event.member_id)


@router.on(StaffInvited, name="notify-staff-invited")
async def on_staff_invited(event: StaffInvited, ctx: Context) -> None:
    """Email the invitation link to the invited person."""
    await tell(ctx, catalog.STAFF_INVITED, to=event.email, locale=event.locale, data={"event": event})


@router.on(LoginLinkRequested, name="notify-login-link")
async def on_login_link(event: LoginLinkRequested, ctx: Context) -> None:
    """Email a sign-in or set-password link."""
    await tell(ctx, catalog.LOGIN_LINK, to=event.email, locale=event.locale, data={"event": event})


@router.on(PersonErased, name="notify-registry-person-erased")
async def on_person_erased(event: PersonErased, ctx: Context) -> None:
    """Blank the person's address in the delivery log, preferences and inbox; the log keeps a hash."""
    await repository.erase_address(ctx.session, event.email.strip().lower(), utcnow())
