"""Sends pending email deliveries over SMTP, each once, continuing its trace.

Woken right after a handler commits a delivery, and sweeping every few seconds
for any left by a crash. The Message-ID is derived from the delivery id, so a
resend after a crash between SMTP accept and our commit can be deduplicated by
the receiving side.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from email.message import EmailMessage
from urllib.parse import urlparse

import aiosmtplib
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from sqlalchemy import select

from kit.db.engine import Database
from kit.db.types import utcnow
from kit.tasks import Loop
from services.notify.models import EmailDelivery

log = logging.getLogger(__name__)
tracer = trace.get_tracer("kakawari.notify.mailer")
SENDER = "かかわりラボ事務局 <noreply@kakawari-lab.example.jp>"
MAX_ATTEMPTS = 8


class Mailer:
    def __init__(self, db: Database, smtp_url: str, sweep_interval_s: float = 5.0) -> None:
        parsed = urlparse(smtp_url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 25
        self.username = parsed.username
        self.password = parsed.password
        self.use_tls = parsed.scheme == "smtps"
        self.db = db
        self.sweep_interval_s = sweep_interval_s
        self._wake = asyncio.Event()
        self._loop = Loop("notify-mailer", self._cycle)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _cycle(self) -> None:
        try:
            await self.send_pending()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("notify.mailer.failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.sweep_interval_s)
        self._wake.clear()

    async def send_pending(self, limit: int = 50) -> int:
        async with self.db.readers() as session:
            pending = (await session.scalars(
                select(EmailDelivery).where(EmailDelivery.state == "pending").order_by(EmailDelivery.id).limit(limit)
            )).all()
        for delivery in pending:
            await self._send_one(delivery)
        return len(pending)

    async def _send_one(self, delivery: EmailDelivery) -> None:
        parent = propagate.extract({"traceparent": delivery.traceparent} if delivery.traceparent else {})
        token = otel_context.attach(parent)
        error: str | None = None
        try:
            with tracer.start_as_current_span("smtp send", kind=trace.SpanKind.CLIENT,
                                              attributes={"smtp.host": self.host, "smtp.port": self.port,
                                                          "notify.delivery_id": str(delivery.id)}):
                message = EmailMessage()
                message["From"] = SENDER
                message["To"] = delivery.to_address
                message["Subject"] = delivery.subject
                message["Message-ID"] = f"<{delivery.id}@kakawari-lab.example.jp>"
                message.set_content(delivery.body)
                await aiosmtplib.send(message, hostname=self.host, port=self.port, username=self.username,
                                      password=self.password, use_tls=self.use_tls, timeout=10)
        except Exception as exc:  # noqa: BLE001 - kept on the row and retried
            error = repr(exc)
        finally:
            otel_context.detach(token)
        async with self.db.writing() as session:
            row = await session.get(EmailDelivery, delivery.id)
            if row is None:
                return
            row.attempts += 1
            if error is None:
                row.state, row.sent_at = "sent", utcnow()
            else:
                row.last_error = error[:2000]
                row.state = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
