"""notify's subscriptions: every event it reacts to, in one place."""

from __future__ import annotations

from opentelemetry import propagate

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
from services.notify import domain
from services.notify.models import EmailDelivery, Notification

router = EventRouter("notify")


async def deliver(ctx: HandlerContext, *, recipient: str, locale: str, message: domain.Message) -> None:
    """Store the inbox notification and queue its email, in the handler's transaction."""
    now = utcnow()
    notification = Notification(
        id=new_event_id(), recipient=recipient.lower(), locale=locale, subject=message.subject,
        body=message.body, source_event_id=ctx.envelope.id, created_at=now,
    )
    carrier: dict[str, str] = {}
    propagate.inject(carrier)  # the email continues this trace when it is sent
    ctx.session.add(notification)
    await ctx.session.flush()  # the delivery's foreign key needs the notification row first
    ctx.session.add(EmailDelivery(
        id=new_event_id(), notification_id=notification.id, to_address=recipient, subject=message.subject,
        body=message.body, state="pending", attempts=0, traceparent=carrier.get("traceparent"), created_at=now,
    ))
    ctx.after_commit(ctx.extras["mailer"].wake)


@router.on(MemberApproved, name="notify-member-approved")
async def on_member_approved(event: MemberApproved, ctx: HandlerContext) -> None:
    """Tell the applicant their membership was approved (inbox + email)."""
    if event.contact_email:
        await deliver(ctx, recipient=event.contact_email, locale=event.locale,
                      message=domain.member_approved(event, event.locale))


@router.on(MemberRejected, name="notify-member-rejected")
async def on_member_rejected(event: MemberRejected, ctx: HandlerContext) -> None:
    """Tell the applicant their application was rejected, with the reason."""
    if event.contact_email:
        await deliver(ctx, recipient=event.contact_email, locale=event.locale,
                      message=domain.member_rejected(event, event.locale))


@router.on(MemberReturned, name="notify-member-returned")
async def on_member_returned(event: MemberReturned, ctx: HandlerContext) -> None:
    """Ask the applicant to update their application, with the reviewer's comment."""
    if event.contact_email:
        await deliver(ctx, recipient=event.contact_email, locale=event.locale,
                      message=domain.member_returned(event, event.locale))


@router.on(StaffInvited, name="notify-staff-invited")
async def on_staff_invited(event: StaffInvited, ctx: HandlerContext) -> None:
    """Email the invitation link to the invited person."""
    await deliver(ctx, recipient=event.email, locale=event.locale, message=domain.staff_invited(event, event.locale))


@router.on(LoginLinkRequested, name="notify-login-link")
async def on_login_link(event: LoginLinkRequested, ctx: HandlerContext) -> None:
    """Email a sign-in or set-password link."""
    await deliver(ctx, recipient=event.email, locale=event.locale, message=domain.login_link(event, event.locale))
