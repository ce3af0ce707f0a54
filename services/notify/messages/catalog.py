"""Every message notify can send: a template folder plus one line of registration.

A new message type is `templates/messages/<name>/` (`subject.<locale>.txt`, `body.<locale>.txt` and
`body.<locale>.html` extending `_layout.<locale>.txt|html`, plus `line.<locale>.txt` for a digest type),
a sample in samples.py, and one `register(...)` line below; tests/unit/notify/test_templates.py
renders every registered type in both languages.

Its category is what a person turns on or off; `critical` messages (sign-in links, invitations,
security) ignore preferences and quiet hours; `urgent` ones ignore quiet hours only; `digest` ones
may be gathered into a daily digest instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.notify.domain.kinds import Category
from services.notify.messages import samples

Sample = Callable[[], Mapping[str, Any]]


@dataclass(frozen=True)
class MessageType:
    name: str
    category: Category
    sample: Sample  # data for the operators' preview and the render-every-template test
    critical: bool = False
    urgent: bool = False
    digest: bool = False


MESSAGES: dict[str, MessageType] = {}


def register(name: str, category: Category, *, sample: Sample, critical: bool = False, urgent: bool = False,
             digest: bool = False) -> MessageType:
    if name in MESSAGES:
        raise ValueError(f"message type {name!r} is registered twice")
    MESSAGES[name] = message = MessageType(name, category, sample, critical, urgent, digest)
    return message


def message_type(name: str) -> MessageType:
    return MESSAGES[name]


MEMBER_APPLIED = register("member_applied", Category.membership, sample=samples.member_applied, digest=True)
MEMBER_APPROVED = register("member_approved", Category.membership, sample=samples.member_approved)
MEMBER_REJECTED = register("member_rejected", Category.membership, sample=samples.member_rejected)
MEMBER_RETURNED = register("member_returned", Category.membership, sample=samples.member_returned)
STAFF_INVITED = register("staff_invited", Category.account, sample=samples.staff_invited, critical=True)
LOGIN_LINK = register("login_link", Category.account, sample=samples.login_link, critical=True)
APPLICATIONS_DIGEST = register("applications_digest", Category.digests, sample=samples.applications_digest)
WEBHOOK_DISABLED = register("webhook_disabled", Category.account, sample=samples.webhook_disabled, critical=True)

# forum: what an attendee hears about a signup. Category events (switchable), except the address
# check: the person asked for that link a moment ago and the held seat is lost without it, so like
# a sign-in link it is critical (ignores an earlier "no events mail" switch and quiet hours).
# Time-limited ones are urgent: a seat offer and the 1-hour reminder must not wait out the night.
# 確認リンクはログインリンクと同じ扱い（本人が今求めたもの）、期限のある案内は夜間も送る。
SIGNUP_REQUESTED = register("signup_requested", Category.account, sample=samples.signup_requested, critical=True)
SIGNUP_CONFIRMED = register("signup_confirmed", Category.events, sample=samples.signup_confirmed)
SIGNUP_WAITLISTED = register("signup_waitlisted", Category.events, sample=samples.signup_waitlisted)
SIGNUP_PROMOTED = register("signup_promoted", Category.events, sample=samples.signup_promoted, urgent=True)
SIGNUP_CANCELLED = register("signup_cancelled", Category.events, sample=samples.signup_cancelled)
REMINDER_24H = register("reminder_24h", Category.events, sample=samples.reminder_24h)
REMINDER_1H = register("reminder_1h", Category.events, sample=samples.reminder_1h, urgent=True)
REMINDER_RECONFIRM = register("reminder_reconfirm", Category.events, sample=samples.reminder_reconfirm)
REMINDERS: dict[str, MessageType] = {"24h": REMINDER_24H, "1h": REMINDER_1H, "reconfirm": REMINDER_RECONFIRM}

# matching: what a helper hears about applications, scouts and thanks (category programs, so each
# can be switched off), and the operators' summary of a batch round. None is critical: nothing
# here is a link the person just asked for; none is urgent: no offer here has a deadline.
# RoundCompleted carries counts only, so a round reaches each person through their own event:
# APPLICATION_ACCEPTED for a place, ROUND_UNPLACED (one per person and round) for none.
APPLICATION_ACCEPTED = register("application_accepted", Category.programs, sample=samples.application_accepted)
APPLICATION_WAITLISTED = register("application_waitlisted", Category.programs, sample=samples.application_waitlisted)
APPLICATION_WITHDRAWN = register("application_withdrawn", Category.programs, sample=samples.application_withdrawn)
SCOUT_RECEIVED = register("scout_received", Category.programs, sample=samples.scout_received)
ROUND_COMPLETED = register("round_completed", Category.programs, sample=samples.round_completed)
ROUND_UNPLACED = register("round_unplaced", Category.programs, sample=samples.round_unplaced)
PARTICIPATION_THANKS = register("participation_thanks", Category.programs, sample=samples.participation_thanks)
