"""From "tell this person this" to rows: the inbox item and the email delivery, decided once.

Called inside the caller's transaction (an event handler's, or a worker's settle), so the
decision and the rows commit with it. Preferences, suppression, quiet hours and digests are
applied here, each outcome written to the delivery log with its reason; an email held back (quiet
hours, the digest) is told through `emit` (`notify.delivery.deferred.v1`), into the same
transaction's outbox. The caller wakes the mailer and the person's live inbox after the commit
(`Planned.wake`).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import DEFAULT_LOCALE, Locale
from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.web.locale import as_locale
from services.notify.delivery import repository
from services.notify.delivery.announce import Emit, deferred
from services.notify.delivery.domain.keys import address_hash, delivery_key, normalize
from services.notify.delivery.domain.policy import DEFAULT_QUIET, QuietHours, next_digest_at, plan_email
from services.notify.domain.kinds import Channel, DeliveryState
from services.notify.messages.catalog import MessageType
from services.notify.messages.render import render, render_line
from services.notify.models import Delivery, DigestEntry, Notification
from services.notify.preferences.tokens import UnsubscribeLinks

ICS_METHOD = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email. A `text/calendar` one carries its iTIP `method`, read from the
    file itself, so the MIME part's method= always matches the METHOD inside (RFC 6047); one with
    a `content_id` is shown inline by the HTML (`<img src="cid:...">`)."""

    filename: str
    content_type: str
    data: bytes
    method: str | None = None
    content_id: str | None = None

    @classmethod
    def calendar(cls, data: bytes, filename: str = "invite.ics") -> Attachment:
        found = ICS_METHOD.search(data)
        if found is None:
            raise ValueError("a calendar attachment needs a METHOD")
        return cls(filename=filename, content_type="text/calendar", data=data, method=found.group(1).decode())

    def to_json(self) -> dict[str, str]:
        out = {"filename": self.filename, "content_type": self.content_type,
               "data": base64.b64encode(self.data).decode("ascii")}
        if self.method:
            out["method"] = self.method
        if self.content_id:
            out["content_id"] = self.content_id
        return out

    @classmethod
    def from_json(cls, value: Mapping[str, str]) -> Attachment:
        return cls(filename=value["filename"], content_type=value["content_type"],
                   data=base64.b64decode(value["data"]), method=value.get("method"),
                   content_id=value.get("content_id"))


def dump_attachments(attachments: Sequence[Attachment]) -> str | None:
    """The delivery row's `attachments` column: None when there are none (most mail)."""
    return json.dumps([a.to_json() for a in attachments]) if attachments else None


def load_attachments(raw: str | None) -> list[Attachment]:
    return [Attachment.from_json(value) for value in json.loads(raw)] if raw else []


@dataclass(frozen=True)
class Planned:
    recipient: str
    email: Delivery | None  # None: held for the daily digest
    inbox: bool  # an inbox item was added

    def wake(self, mailer_wake: Callable[[], None], inbox_changed: Callable[[str], None]) -> None:
        """What to do once the transaction has committed."""
        if self.email is not None and self.email.state == DeliveryState.queued:
            mailer_wake()
        if self.inbox:
            inbox_changed(self.recipient)


async def notify_person(session: AsyncSession, emit: Emit, *, links: UnsubscribeLinks, message: MessageType,
                        to: str, locale: str, data: Mapping[str, Any], source_event_id: UUID,
                        traceparent: str | None = None, attachments: Sequence[Attachment] = ()) -> Planned:
    now = utcnow()
    address = normalize(to)
    hashed = address_hash(address)
    found = await repository.recipient_state(session, address, message.category)
    lang: Locale = as_locale(found.locale) or as_locale(locale) or DEFAULT_LOCALE
    base = links.base_url.rstrip("/")
    rendered = render(message.name, lang, {**data, "links": {
        "unsubscribe": None if message.critical else links.url(address, message.category),
        "settings": f"{base}/notify/settings", "inbox": f"{base}/notify/inbox"}})

    def row(channel: Channel, state: DeliveryState, body_text: str, **values: Any) -> Delivery:
        return Delivery(
            id=new_event_id(), key=delivery_key(source_event_id, address, channel, message.name), channel=channel,
            template=message.name, category=message.category, critical=message.critical,
            source_event_id=source_event_id, recipient=address, recipient_hash=hashed, locale=lang,
            subject=rendered.subject, body_text=body_text, state=state, attempts=0, created_at=now,
            updated_at=now, traceparent=traceparent, **({"next_attempt_at": now} | values))

    inbox = message.critical or found.wanted(Channel.inbox)
    notification_id = new_event_id()
    if inbox:
        session.add(Notification(id=notification_id, recipient=address, locale=lang, subject=rendered.subject,
                                 body=rendered.text, source_event_id=source_event_id, created_at=now))
    # The inbox's log row keeps no copy of the text: the notification holds it.
    session.add(row(Channel.inbox, DeliveryState.sent if inbox else DeliveryState.suppressed, "",
                    notification_id=notification_id if inbox else None, sent_at=now if inbox else None,
                    reason=None if inbox else "turned off in the recipient's settings"))

    wants_email = message.critical or found.wanted(Channel.email)
    if message.digest and found.digest_at and wants_email and not found.suppressed:
        entry = DigestEntry(id=new_event_id(), recipient=address, source_event_id=source_event_id,
                            template=message.name, locale=lang, line=render_line(message.name, lang, data),
                            created_at=now)
        session.add(entry)
        due = found.digest_due_at
        if due is None:
            due = next_digest_at(now, found.digest_at)
            await repository.set_digest_due(session, address, due)
        # The held email has no delivery row: the entry stands for it (the digest email that
        # carries it is a delivery of its own, and the entry's digest_id names it).
        emit(deferred(delivery_id=entry.id, channel=Channel.email, template=message.name,
                      source_event_id=source_event_id, reason="digest", until=due, at=now))
        return Planned(address, None, inbox)

    quiet = None
    if found.quiet_enabled:
        quiet = QuietHours.parse(found.quiet_start or DEFAULT_QUIET[0], found.quiet_end or DEFAULT_QUIET[1])
    plan = plan_email(now=now, critical=message.critical, urgent=message.urgent, wanted=wants_email,
                      suppressed=found.suppressed, quiet=quiet)
    # 添付はメールだけ：受信箱とダイジェストには本文のみ / attachments ride on the email only
    email = row(Channel.email, plan.state, rendered.text, body_html=rendered.html, next_attempt_at=plan.send_at,
                reason=plan.reason, attachments=dump_attachments(attachments))
    session.add(email)
    if plan.state == DeliveryState.deferred:  # held for the end of quiet hours (policy.plan_email)
        emit(deferred(delivery_id=email.id, channel=Channel.email, template=message.name,
                      source_event_id=source_event_id, reason="quiet_hours", until=plan.send_at, at=now))
    return Planned(address, email, inbox)
