"""notify's subscriptions: every event it reacts to, in one place."""

from __future__ import annotations

from kit.contracts.registry import (
    LoginLinkRequested,
    MemberApproved,
    MemberRejected,
    MemberReturned,
    StaffInvited,
)
from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.handlers import EventRouter, HandlerContext
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from services.notify import repository
from services.notify.bootstrap import NotifyDeps
from services.notify.domain import messages
from services.notify.models import PENDING, EmailDelivery, Notification

router: EventRouter[NotifyDeps] = EventRouter("notify")
Context = HandlerContext[NotifyDeps]


async def deliver(ctx: Context, *, recipient: str, locale: str, message: messages.Message) -> None:
    """Store the inbox notification and queue its email, in the handler's transaction."""
    now = utcnow()
    notification = Notification(
        id=new_event_id(), recipient=recipient.lower(), locale=locale, subject=message.subject,
        body=message.body, source_event_id=ctx.envelope.id, created_at=now,
    )
    carrier: dict[str, str] = {}
    MESSAGE_PROPAGATOR.inject(carrier)  # the email continues this trace when it is sent
    delivery = EmailDelivery(
        id=new_event_id(), notification_id=notification.id, to_address=recipient, subject=message.subject,
        body=message.body, state=PENDING, attempts=0, traceparent=carrier.get("traceparent"), created_at=now,
        next_attempt_at=now,
    )
    await repository.add_notification(ctx.session, notification, delivery)
    ctx.after_commit(ctx.deps.mailer.wake)


@router.on(MemberApproved, name="notify-member-approved")
async def on_member_approved(event: MemberApproved, ctx: Context) -> None:
    """Tell the applicant their membership was approved (inbox + email)."""
    if event.contact_email:
        await deliver(ctx, recipient=event.contact_email, locale=event.locale,
                      message=messages.member_approved(event, event.locale))


@router.on(MemberRejected, name="notify-member-rejected")
async def on_member_rejected(event: MemberRejected, ctx: Context) -> None:
    """Tell the applicant their application was rejected, with the reason."""
    if event.contact_email:
        await deliver(ctx, recipient=event.contact_email, locale=event.locale,
                      message=messages.member_rejected(event, event.locale))


@router.on(MemberReturned, name="notify-member-returned")
async def on_member_returned(event: MemberReturned, ctx: Context) -> None:
    """Ask the applicant to update their application, with the reviewer's comment."""
    if event.contact_email:
        await deliver(ctx, recipient=event.contact_email, locale=event.locale,
                      message=messages.member_returned(event, event.locale))


@router.on(StaffInvited, name="notify-staff-invited")
async def on_staff_invited(event: StaffInvited, ctx: Context) -> None:
    """Email the invitation link to the invited person."""
    await deliver(ctx, recipient=event.email, locale=event.locale,
                  message=messages.staff_invited(event, event.locale))


@router.on(LoginLinkRequested, name="notify-login-link")
async def on_login_link(event: LoginLinkRequested, ctx: Context) -> None:
    """Email a sign-in or set-password link."""
    await deliver(ctx, recipient=event.email, locale=event.locale, message=messages.login_link(event, event.locale))
