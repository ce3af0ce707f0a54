"""Sends pending email deliveries over SMTP: a job on the kit's worker (`kit/worker.py`).

The worker claims due deliveries, so two replicas never send the same one; this job sends a
batch over one SMTP connection, each message in its own trace, and writes each try to the
delivery's log. The Message-ID is derived from the delivery id (its idempotency key), so a
resend after a crash between the SMTP server's accept and our commit carries the same id and
can be recognised by the receiving side.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlparse
from uuid import UUID

import aiosmtplib
from opentelemetry import trace
from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.telemetry.tracing import MESSAGE_PROPAGATOR
from kit.worker import Backoff, DueQuery, Outcome, Permanent, Worker
from services.notify.models import FAILED, PENDING, SENT, DeliveryAttempt, EmailDelivery

tracer = trace.get_tracer("kakawari.notify.mailer")
SENDER = "かかわりラボ事務局 <noreply@kakawari-lab.example.jp>"
MESSAGE_ID_DOMAIN = "kakawari-lab.example.jp"
# Ten tries over about eight hours: a mail server that is down for a morning loses nothing.
MAIL_BACKOFF = Backoff(base_s=30.0, factor=2.0, cap_s=3600.0, max_attempts=10)


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
    to_address: str
    subject: str
    body: str
    traceparent: str | None
    attempts: int


def permanent(error: aiosmtplib.SMTPException) -> bool:
    """A 5xx reply (no such mailbox, refused for good) will not change on a retry; 4xx may."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refusal.code < 600 for refusal in error.recipients)
    return isinstance(error, aiosmtplib.SMTPResponseException) and 500 <= error.code < 600


def message_id(delivery_id: UUID) -> str:
    return f"<{delivery_id}@{MESSAGE_ID_DOMAIN}>"


class MailJob:
    name = "mailer"

    def __init__(self, smtp: SmtpTarget, backoff: Backoff = MAIL_BACKOFF, timeout_s: float = 10.0) -> None:
        self.smtp = smtp
        self.backoff = backoff
        self.timeout_s = timeout_s
        d = EmailDelivery
        self._due = select(d.id, d.to_address, d.subject, d.body, d.traceparent, d.attempts).where(d.state == PENDING)

    def due(self, now: datetime, limit: int) -> DueQuery:
        d = EmailDelivery
        return self._due.where(d.next_attempt_at <= now).order_by(d.next_attempt_at, d.id).limit(limit)

    def item(self, row: Row[Any]) -> PendingMail:
        return PendingMail(row.id, row.to_address, row.subject, row.body, row.traceparent, row.attempts)

    async def perform(self, items: Sequence[PendingMail]) -> list[BaseException | None]:
        """One SMTP connection for the batch; a failure to connect fails every item."""
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

    async def _send(self, client: aiosmtplib.SMTP, mail: PendingMail) -> BaseException | None:
        parent = MESSAGE_PROPAGATOR.extract({"traceparent": mail.traceparent}) if mail.traceparent else None
        with tracer.start_as_current_span(
            "smtp send", context=parent, kind=trace.SpanKind.CLIENT,
            attributes={"server.address": self.smtp.host, "server.port": self.smtp.port,
                        "notify.delivery_id": str(mail.id)},
        ) as span:
            message = EmailMessage()
            message["From"] = SENDER
            message["To"] = mail.to_address
            message["Subject"] = mail.subject
            message["Message-ID"] = message_id(mail.id)
            message.set_content(mail.body)
            try:
                await client.send_message(message)
            except aiosmtplib.SMTPException as exc:  # this message failed; the connection may go on
                span.record_exception(exc)
                span.set_status(trace.Status(trace.StatusCode.ERROR, repr(exc)))
                if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
                    raise
                return Permanent(exc) if permanent(exc) else exc
        return None

    async def settle(self, session: AsyncSession, items: Sequence[PendingMail], outcomes: Sequence[Outcome]) -> None:
        now = utcnow()
        for mail, outcome in zip(items, outcomes, strict=True):
            logged: str  # the try's outcome in the log: sent, failed, or retry
            if outcome.done:
                values: dict[str, Any] = {"state": SENT, "sent_at": now, "last_error": None}
                logged = SENT
            elif outcome.given_up:
                values, logged = {"state": FAILED, "last_error": outcome.error_text}, FAILED
            else:
                values = {"next_attempt_at": outcome.retry_at, "last_error": outcome.error_text}
                logged = "retry"
            await session.execute(update(EmailDelivery).where(EmailDelivery.id == mail.id)
                                  .values(attempts=outcome.attempts, **values))
            await session.execute(insert(DeliveryAttempt).values(
                delivery_id=mail.id, attempt=outcome.attempts, at=now, outcome=logged,
                error=outcome.error_text, retry_at=outcome.retry_at))


def mailer(db: Database, smtp_url: str, *, backoff: Backoff = MAIL_BACKOFF,
           sweep_interval_s: float = 5.0) -> Worker[PendingMail]:
    """notify's mailer: the mail job on the kit's worker."""
    return Worker(MailJob(SmtpTarget.parse(smtp_url), backoff), db=db, service="notify", batch_size=50,
                  sweep_interval_s=sweep_interval_s)
