"""notify's subscriptions: every event it reacts to, in one place."""

from __future__ import annotations

from opentelemetry import propagate

from kit.contracts.registry import MemberApproved
from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.handlers import EventRouter, HandlerContext
from services.notify.domain import member_approved_message
from services.notify.models import EmailDelivery, Notification

router = EventRouter("notify")


@router.on(MemberApproved, name="notify-member-approved")
async def on_member_approved(event: MemberApproved, ctx: HandlerContext) -> None:
    """Tell the applicant their membership was approved (inbox + email)."""
    if not event.contact_email:
        return
    message = member_approved_message(event, event.locale)
    now = utcnow()
    notification = Notification(
        id=new_event_id(), recipient=event.contact_email, locale=event.locale, subject=message.subject,
        body=message.body, source_event_id=ctx.envelope.id, created_at=now,
    )
    carrier: dict[str, str] = {}
    propagate.inject(carrier)  # the email continues this trace when it is sent
    ctx.session.add(notification)
    await ctx.session.flush()  # the delivery's foreign key needs the notification row first
    ctx.session.add(EmailDelivery(
        id=new_event_id(), notification_id=notification.id, to_address=event.contact_email,
        subject=message.subject, body=message.body, state="pending", attempts=0,
        traceparent=carrier.get("traceparent"), created_at=now,
    ))
    ctx.after_commit(ctx.extras["mailer"].wake)
