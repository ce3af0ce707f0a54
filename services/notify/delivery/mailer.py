"""Sends due email deliveries over SMTP: a job on the kit's worker (`kit/worker.py`), leased.

The worker claims due rows by marking them `sending` until a lease deadline and commits that
before a byte goes to the SMTP server, so replicas never take the same row and no database
lock is held over the network. A process that dies mid-send leaves rows whose lease runs out;
the due query offers them again, and the retry carries the same Message-ID (derived from the
delivery's id), so the receiving side can recognise it. That is as close to exactly once as
SMTP allows: what is left is the sends in flight at the crash, each resent with its own id.

A batch is spread over a few SMTP connections side by side, each reused for its share. A 5xx
reply at RCPT is a hard bounce: the delivery is `bounced` and the address suppressed. Each try's
outcome is told in the transaction that writes it (`notify.delivery.sent`, `…deferred` with reason
retry, `…failed`, `notify.address.suppressed`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from typing import Any
from urllib.parse import unquote, urlparse
from uuid import UUID

import aiosmtplib
from opentelemetry import trace
from sqlalchemy import Row, Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.contracts.notify import AddressSuppressed, DeliveryFailed
from kit.db.engine import Database
from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from kit.worker import Backoff, DueQuery, Outcome, Permanent, Worker
from services.notify.delivery import leases
from services.notify.delivery.announce import tried, write
from services.notify.delivery.dispatch import Attachment, load_attachments
from services.notify.delivery.domain.keys import message_id
from services.notify.domain.kinds import Channel, DeliveryState
from services.notify.models import Delivery, DeliveryAttempt, Suppression
from services.notify.preferences.tokens import UnsubscribeLinks

tracer = trace.get_tracer("kakawari.notify.mailer")
SENDER_NAME, SENDER_ADDRESS = "かかわりラボ事務局", "noreply@kakawari-lab.example.jp"
SENDER_HEADER = formataddr((str(Header(SENDER_NAME, "utf-8")), SENDER_ADDRESS))
HEADERS = compat32.clone(max_line_length=998)  # RFC 5322's limit: long URLs stay on one line
WIRE = HEADERS.clone(linesep="\r\n")
# Ten tries over about eight hours: a mail server that is down for a morning loses nothing.
MAIL_BACKOFF = Backoff(base_s=30.0, factor=2.0, cap_s=3600.0, max_attempts=10)
S = DeliveryState


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parsed = urlparse(url)
        return cls(host=parsed.hostname or "127.0.0.1", port=parsed.port or 25,
                   username=unquote(parsed.username) if parsed.username else None,
                   password=unquote(parsed.password) if parsed.password else None,
                   use_tls=parsed.scheme == "smtps")


@dataclass(frozen=True, slots=True)
class PendingMail:
    id: UUID
    recipient: str
    recipient_hash: str
    subject: str
    body_text: str
    body_html: str | None
    category: str
    critical: bool
    template: str
    source_event_id: UUID | None
    traceparent: str | None
    attempts: int
    attachments: str | None = None  # JSON, as dispatch stored it (see dispatch.Attachment)


class HardBounce(Permanent):
    """A 5xx at RCPT: the mailbox does not exist or refuses us for good."""


def permanent(error: aiosmtplib.SMTPException) -> bool:
    """A 5xx reply (no such mailbox, refused for good) will not change on a retry; 4xx may."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refusal.code < 600 for refusal in error.recipients)
    return isinstance(error, aiosmtplib.SMTPResponseException) and 500 <= error.code < 600


def classify(error: aiosmtplib.SMTPException) -> BaseException:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused | aiosmtplib.SMTPRecipientRefused) and permanent(error):
        return HardBounce(error)
    return Permanent(error) if permanent(error) else error


class MailJob:
    name = "mailer"

    def __init__(self, smtp: SmtpTarget, uow: UnitOfWorkFactory, links: UnsubscribeLinks, *,
                 backoff: Backoff = MAIL_BACKOFF, connections: int = 4, timeout_s: float = 10.0) -> None:
        self.smtp = smtp
        self.uow = uow
        self.links = links
        self.backoff = backoff
        self.connections = max(1, connections)
        self.timeout_s = timeout_s
        d = Delivery
        self._due = select(d.id, d.recipient, d.recipient_hash, d.subject, d.body_text, d.body_html, d.category,
                           d.critical, d.template, d.source_event_id, d.traceparent, d.attempts,
                           d.attachments).where(d.channel == Channel.email)
        # One statement for a batch's outcomes; a retry keeps its next_attempt_at unless one is given.
        table = Delivery.__table__
        assert isinstance(table, Table)
        self._settle = (update(table).where(table.c.id == bindparam("row_id")).values(
            attempts=bindparam("attempts"), state=bindparam("state"), sent_at=bindparam("sent_at"),
            reason=bindparam("reason"), lease_until=None, updated_at=bindparam("now"),
            next_attempt_at=func.coalesce(bindparam("next_attempt_at"), table.c.next_attempt_at)))

    def due(self, now: datetime, limit: int) -> DueQuery:
        d = Delivery
        return self._due.where(leases.ready(now)).order_by(d.next_attempt_at, d.id).limit(limit)

    def item(self, row: Row[Any]) -> PendingMail:
        return PendingMail(*row)  # type: ignore[call-arg] # the SELECT lists the fields in order

    async def claim(self, session: AsyncSession, items: Sequence[PendingMail], until: datetime) -> None:
        await leases.claim(session, (m.id for m in items), until)

    async def perform(self, items: Sequence[PendingMail]) -> list[BaseException | None]:
        """Spread the batch over the connections; results keep the batch's order."""
        lanes = [list(range(i, len(items), self.connections)) for i in range(min(self.connections, len(items)))]
        results: list[BaseException | None] = [None] * len(items)
        outcomes = await asyncio.gather(*(self._send_lane([items[i] for i in lane]) for lane in lanes))
        for lane, lane_results in zip(lanes, outcomes, strict=True):
            for index, result in zip(lane, lane_results, strict=True):
                results[index] = result
        return results

    async def _send_lane(self, items: list[PendingMail]) -> list[BaseException | None]:
        """One SMTP connection for these items; a failure to connect fails each of them."""
        smtp = self.smtp
        client = aiosmtplib.SMTP(hostname=smtp.host, port=smtp.port, username=smtp.username,
                                 password=smtp.password, use_tls=smtp.use_tls, timeout=self.timeout_s)
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            return [exc] * len(items)
        results: list[BaseException | None] = []
        try:
            for mail in items:
                try:
                    results.append(await self._send(client, mail))
                except aiosmtplib.SMTPServerDisconnected as exc:  # the rest were not sent
                    results.extend([exc] * (len(items) - len(results)))
                    break
        finally:
            with suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
        return results

    def compose(self, mail: PendingMail) -> Message:
        """The MIME message: text and HTML alternatives, the stable Message-ID, and for
        everything but critical mail the RFC 8058 one-click unsubscribe headers.

        Built with the standard library's compat32 MIME classes rather than `EmailMessage`:
        the same RFC 2047 / base64 output, at a fifth of the cost (the newer API re-parses
        and refolds every header, which dominated the mailer's CPU)."""
        text = MIMEText(mail.body_text, "plain", "utf-8", policy=HEADERS)
        message: Message = text
        attachments = load_attachments(mail.attachments)
        calendars = [a for a in attachments if a.content_type == "text/calendar" and a.method]
        if mail.body_html or calendars:
            message = MIMEMultipart("alternative", policy=HEADERS)
            message.attach(text)
            if mail.body_html:
                message.attach(MIMEText(mail.body_html, "html", "utf-8", policy=HEADERS))
            # RFC 6047：招待状は本文の代替パートとして最後に置く（method= は中身の METHOD と同じ）/
            # the invitation is the last alternative, its method= the METHOD inside
            for calendar in calendars:
                message.attach(_calendar_part(calendar))
        if inline := [a for a in attachments if a.content_id]:
            related = MIMEMultipart("related", policy=HEADERS)
            related.attach(message)
            for attachment in inline:
                related.attach(_file_part(attachment, inline=True))
            message = related
        if files := [a for a in attachments if not a.content_id]:
            mixed = MIMEMultipart("mixed", policy=HEADERS)
            mixed.attach(message)
            for attachment in files:
                mixed.attach(_file_part(attachment, inline=False))
            message = mixed
        message["From"] = SENDER_HEADER
        message["To"] = mail.recipient
        message["Subject"] = Header(mail.subject, "utf-8").encode()
        message["Message-ID"] = message_id(mail.id)
        message["Date"] = format_datetime(utcnow())
        message["Auto-Submitted"] = "auto-generated"
        if not mail.critical:
            message["List-Unsubscribe"] = f"<{self.links.url(mail.recipient, mail.category)}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return message

    async def _send(self, client: aiosmtplib.SMTP, mail: PendingMail) -> BaseException | None:
        parent = MESSAGE_PROPAGATOR.extract({"traceparent": mail.traceparent}) if mail.traceparent else None
        with tracer.start_as_current_span(
            "smtp send", context=parent, kind=trace.SpanKind.CLIENT,
            attributes={"server.address": self.smtp.host, "server.port": self.smtp.port,
                        "notify.delivery_id": str(mail.id), "notify.template": mail.template},
        ) as span:
            try:
                await client.sendmail(SENDER_ADDRESS, [mail.recipient], self.compose(mail).as_bytes(policy=WIRE))
            except aiosmtplib.SMTPException as exc:  # this message failed; the connection may go on
                span.record_exception(exc)
                span.set_status(trace.Status(trace.StatusCode.ERROR, repr(exc)))
                if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
                    raise
                return classify(exc)
        return None

    async def settle(self, session: AsyncSession, items: Sequence[PendingMail], outcomes: Sequence[Outcome]) -> None:
        """Each outcome into its row and the log of tries: one UPDATE and one INSERT for the
        whole batch (executemany), plus each delivery's event: sent, deferred to a retry, or
        failed (and its address suppressed, for a hard bounce)."""
        now = utcnow()
        events: list[EventContract] = []
        rows: list[dict[str, Any]] = []
        for mail, outcome in zip(items, outcomes, strict=True):
            row = {"row_id": mail.id, "now": now, "attempts": outcome.attempts, "state": S.sent, "sent_at": now,
                   "reason": None, "next_attempt_at": None}
            if told := tried(delivery_id=mail.id, channel=Channel.email, template=mail.template,
                             source_event_id=mail.source_event_id, outcome=outcome, at=now):
                events.append(told)
            if outcome.given_up:
                bounced = isinstance(outcome.error, HardBounce)
                row |= {"state": S.bounced if bounced else S.failed, "sent_at": None, "reason": outcome.error_text}
                events.append(DeliveryFailed(
                    delivery_id=mail.id, channel=Channel.email, template=mail.template,
                    source_event_id=mail.source_event_id, recipient_hash=mail.recipient_hash,
                    state=str(row["state"]), reason=outcome.error_text or "", attempts=outcome.attempts, at=now))
                if bounced and await self._suppress(session, mail, outcome.error_text or "", now):
                    events.append(AddressSuppressed(address_hash=mail.recipient_hash, delivery_id=mail.id,
                                                    reason=outcome.error_text or "", at=now))
            elif not outcome.done:
                row |= {"state": S.deferred, "sent_at": None, "reason": outcome.error_text,
                        "next_attempt_at": outcome.retry_at}
            rows.append(row)
        await session.execute(self._settle, rows)
        await session.execute(insert(DeliveryAttempt), [
            {"delivery_id": mail.id, "attempt": outcome.attempts, "at": now, "outcome": _logged(row["state"]),
             "error": outcome.error_text, "retry_at": outcome.retry_at}
            for mail, outcome, row in zip(items, outcomes, rows, strict=True)])
        await write(session, self.uow.outbox, events)

    async def _suppress(self, session: AsyncSession, mail: PendingMail, reason: str, now: datetime) -> bool:
        """Suppress the address (again, if an operator had lifted it); False if it already was."""
        existing = await session.get(Suppression, mail.recipient_hash)
        if existing is not None and existing.lifted_at is None:
            return False
        if existing is None:
            session.add(Suppression(address_hash=mail.recipient_hash, address=mail.recipient, reason=reason,
                                    delivery_id=mail.id, created_at=now))
        else:
            existing.reason, existing.delivery_id, existing.created_at = reason, mail.id, now
            existing.lifted_at = existing.lifted_by = None
        await session.flush()
        return True


def _calendar_part(calendar: Attachment) -> MIMEText:
    part = MIMEText(calendar.data.decode("utf-8"), "calendar", "utf-8", policy=HEADERS)
    part.set_param("method", calendar.method or "PUBLISH", requote=False)
    return part


def _file_part(attachment: Attachment, *, inline: bool) -> MIMEBase:
    """A file as its own part. The calendar's copy goes as application/ics: a second
    text/calendar;method= part would be read as a second invitation by some clients."""
    content_type = "application/ics" if attachment.content_type == "text/calendar" else attachment.content_type
    maintype, _, subtype = content_type.partition("/")
    part = MIMEBase(maintype, subtype, policy=HEADERS, name=attachment.filename)
    part.set_payload(attachment.data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "inline" if inline else "attachment", filename=attachment.filename)
    if attachment.content_id:
        part["Content-ID"] = f"<{attachment.content_id}>"
    return part


def _logged(state: str) -> str:
    """The try's outcome as the log shows it: sent, retry, failed or bounced."""
    return "retry" if state == S.deferred else state


def mailer(db: Database, uow: UnitOfWorkFactory, smtp_url: str, *, links: UnsubscribeLinks,
           backoff: Backoff = MAIL_BACKOFF, lease_s: float = 120.0, connections: int = 4,
           sweep_interval_s: float = 5.0, batch_size: int = 100) -> Worker[PendingMail]:
    """notify's mailer: the mail job on the kit's worker, leased."""
    job = MailJob(SmtpTarget.parse(smtp_url), uow, links, backoff=backoff, connections=connections)
    return Worker(job, db=db, service="notify", batch_size=batch_size, sweep_interval_s=sweep_interval_s,
                  lease=job, lease_s=lease_s)
