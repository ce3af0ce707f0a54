"""notify's subscriptions: every event it reacts to, in one place.

A handler names the message type (its template) and the recipient; `tell` decides each
channel through the delivery side's rules and wakes the senders once the transaction commits.
Events about a member also go to that member's webhooks.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import segno

from kit.contracts.forum import (
    ReminderDue,
    SignupCancelled,
    SignupConfirmed,
    SignupPromoted,
    SignupRequested,
    SignupWaitlisted,
)
from kit.contracts.matching import (
    ApplicationAccepted,
    ApplicationWaitlisted,
    ApplicationWithdrawn,
    ParticipationRecorded,
    RoundCompleted,
    RoundUnplaced,
    ScoutSent,
)
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
from kit.ical import event_ics
from kit.messaging.handlers import EventRouter, HandlerContext
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from services.notify.bootstrap import NotifyDeps
from services.notify.delivery import repository
from services.notify.delivery.dispatch import Attachment, notify_person
from services.notify.delivery.mailer import SENDER_ADDRESS, SENDER_NAME
from services.notify.messages import catalog
from services.notify.messages.catalog import MessageType
from services.notify.webhooks.service import fan_out

router: EventRouter[NotifyDeps] = EventRouter("notify")
Context = HandlerContext[NotifyDeps]


async def tell(ctx: Context, message: MessageType, *, to: str | None, locale: str, data: Mapping[str, Any],
               attachments: Sequence[Attachment] = ()) -> None:
    """Queue `message` for one person, in the handler's transaction (attachments go with the email)."""
    if not to:
        return
    deps = ctx.deps
    carrier: dict[str, str] = {}
    MESSAGE_PROPAGATOR.inject(carrier)  # the email's send continues this handler's trace
    planned = await notify_person(ctx.session, ctx.emit, links=deps.links, message=message, to=to, locale=locale,
                                  data=data, source_event_id=ctx.envelope.id, traceparent=carrier.get("traceparent"),
                                  attachments=attachments)
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


# forum: a signup's news goes to the person who signed up, in their language.
# 受付用 QR はメール本文の HTML が cid: で表示する / the HTML shows the check-in QR by its Content-ID
CHECKIN_QR_ID = "checkin-qr@kakawari-lab.example.jp"


def invitation(event: SignupConfirmed, stamp: datetime) -> Attachment:
    """The confirmation's calendar invitation: METHOD:REQUEST to the attendee, UID per event."""
    ja = event.locale == "ja"
    manage = "お申し込みの確認・変更・キャンセル" if ja else "View, change or cancel your signup"
    lines = [f"{manage}: {event.manage_url}"]
    if not event.online:
        lines.insert(0, f"{'受付用コード' if ja else 'Check-in code'}: {event.checkin_code}")
    where = ("オンライン" if ja else "Online") if event.online else event.venue
    ics = event_ics(uid=event.event_id, sequence=event.sequence, summary=event.event_title,
                    description="\n".join(lines),
                    starts_at=event.starts_at, ends_at=event.ends_at, location=where, url=event.manage_url,
                    status="CONFIRMED", method="REQUEST", organizer_email=SENDER_ADDRESS, organizer_name=SENDER_NAME,
                    attendee_email=event.email, attendee_name=event.name, stamp=stamp,
                    alarm_minutes=(60,) if event.online else (24 * 60,))  # as forum's own download rings
    return Attachment.calendar(ics, filename="invite.ics")


def checkin_qr(code: str) -> Attachment:
    """The check-in code as a QR image: the desk's scanner types the code, so the QR holds just that."""
    png = io.BytesIO()
    segno.make(code, error="m").save(png, kind="png", scale=8)
    return Attachment(filename="checkin-qr.png", content_type="image/png", data=png.getvalue(),
                      content_id=CHECKIN_QR_ID)


@router.on(SignupRequested, name="notify-forum-signup-requested")
async def on_signup_requested(event: SignupRequested, ctx: Context) -> None:
    """Send the double opt-in link that confirms a held seat."""
    await tell(ctx, catalog.SIGNUP_REQUESTED, to=event.email, locale=event.locale, data={"event": event})


@router.on(SignupConfirmed, name="notify-forum-signup-confirmed")
async def on_signup_confirmed(event: SignupConfirmed, ctx: Context) -> None:
    """Confirm the seat, with the calendar invitation and, in person, the check-in QR."""
    attachments = [invitation(event, ctx.envelope.occurred_at)]
    if not event.online:
        attachments.append(checkin_qr(event.checkin_code))
    await tell(ctx, catalog.SIGNUP_CONFIRMED, to=event.email, locale=event.locale, attachments=attachments,
               data={"event": event, "checkin_qr": None if event.online else f"cid:{CHECKIN_QR_ID}"})


@router.on(SignupWaitlisted, name="notify-forum-signup-waitlisted")
async def on_signup_waitlisted(event: SignupWaitlisted, ctx: Context) -> None:
    """Tell the person their place on the waitlist."""
    await tell(ctx, catalog.SIGNUP_WAITLISTED, to=event.email, locale=event.locale, data={"event": event})


@router.on(SignupPromoted, name="notify-forum-signup-promoted")
async def on_signup_promoted(event: SignupPromoted, ctx: Context) -> None:
    """Offer a freed seat (until its deadline), or say it is theirs."""
    await tell(ctx, catalog.SIGNUP_PROMOTED, to=event.email, locale=event.locale, data={"event": event})


@router.on(SignupCancelled, name="notify-forum-signup-cancelled")
async def on_signup_cancelled(event: SignupCancelled, ctx: Context) -> None:
    """Confirm a cancellation, or announce that the event itself was cancelled."""
    await tell(ctx, catalog.SIGNUP_CANCELLED, to=event.email, locale=event.locale, data={"event": event})


@router.on(ReminderDue, name="notify-forum-reminder-due")
async def on_reminder_due(event: ReminderDue, ctx: Context) -> None:
    """The T-24 h and T-1 h reminders and the request to reconfirm; an unknown kind gets the day-before wording."""
    message = catalog.REMINDERS.get(event.which, catalog.REMINDER_24H)
    await tell(ctx, message, to=event.email, locale=event.locale, data={"event": event})


# matching: a helper hears about their applications, scouts and thanks at the address and in the
# language the event carries; the operators get each batch round's summary. A round's counts are
# all RoundCompleted carries, so each person learns their result from their own event: accepted
# for a place, RoundUnplaced for none (see catalog.py).
# スカウトの受け取りをやめる設定（matching のプロフィール画面） / where a helper withdraws scouting consent
SCOUT_SETTINGS_PATH = "/matching/helpers/me"


@router.on(ApplicationAccepted, name="notify-matching-application-accepted")
async def on_application_accepted(event: ApplicationAccepted, ctx: Context) -> None:
    """Tell the person they have a place (first come, promoted, or allocated by a round)."""
    await tell(ctx, catalog.APPLICATION_ACCEPTED, to=event.email, locale=event.locale, data={"event": event})


@router.on(ApplicationWaitlisted, name="notify-matching-application-waitlisted")
async def on_application_waitlisted(event: ApplicationWaitlisted, ctx: Context) -> None:
    """Tell the person their place on the program's waitlist."""
    await tell(ctx, catalog.APPLICATION_WAITLISTED, to=event.email, locale=event.locale, data={"event": event})


@router.on(ApplicationWithdrawn, name="notify-matching-application-withdrawn")
async def on_application_withdrawn(event: ApplicationWithdrawn, ctx: Context) -> None:
    """Confirm the person's own withdrawal, or say why the host, a closed program or a round ended it."""
    await tell(ctx, catalog.APPLICATION_WITHDRAWN, to=event.email, locale=event.locale, data={"event": event})


@router.on(ScoutSent, name="notify-matching-scout-sent")
async def on_scout_sent(event: ScoutSent, ctx: Context) -> None:
    """Pass on a host's invitation with its reasons, and how to stop being scouted."""
    settings = f"{ctx.deps.links.base_url.rstrip('/')}{SCOUT_SETTINGS_PATH}"
    await tell(ctx, catalog.SCOUT_RECEIVED, to=event.email, locale=event.locale,
               data={"event": event, "scout_settings": settings})


@router.on(RoundCompleted, name="notify-matching-round-completed")
async def on_round_completed(event: RoundCompleted, ctx: Context) -> None:
    """Give the operators the round's summary and its quality report's link."""
    for operator in ctx.deps.config.operator_emails:
        await tell(ctx, catalog.ROUND_COMPLETED, to=operator, locale="ja", data={"event": event})


@router.on(RoundUnplaced, name="notify-matching-round-unplaced")
async def on_round_unplaced(event: RoundUnplaced, ctx: Context) -> None:
    """Tell a person who ranked programs in a round and got no place, and where programs are still open."""
    await tell(ctx, catalog.ROUND_UNPLACED, to=event.email, locale=event.locale, data={"event": event})


@router.on(ParticipationRecorded, name="notify-matching-participation-recorded")
async def on_participation_recorded(event: ParticipationRecorded, ctx: Context) -> None:
    """Thank the person for the day, from the host and the municipality (no address once erased)."""
    await tell(ctx, catalog.PARTICIPATION_THANKS, to=event.email, locale=event.locale, data={"event": event})
