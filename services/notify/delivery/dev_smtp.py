"""A built-in SMTP sink for all-in-one mode (aiosmtpd), shown at /notify/dev/mailbox.

Given a `refuse_with` reply (e.g. "451 try again later"), it refuses every message instead:
how the tests, and a developer, see the mailer's retries against a real server. Addresses in
`bounce` are refused at RCPT with a 550 (a hard bounce)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from functools import cached_property
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope as SmtpEnvelope

from kit.dev.nats_server import free_port


@dataclass(frozen=True)
class ReceivedPart:
    """One leaf of the MIME tree as received: the invitation's text/calendar part, a file, an inline image."""

    content_type: str  # e.g. "text/calendar", lower case, without parameters
    params: tuple[tuple[str, str], ...]  # the Content-Type's parameters (method, charset, name)
    disposition: str | None  # "attachment", "inline", or None for a body part
    filename: str | None
    content_id: str | None
    data: bytes  # decoded

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.params if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class ReceivedMail:
    """A mail as the sink received it. Kept as bytes and parsed only when something reads it:
    parsing every mail as it arrives cost the all-in-one process more than sending it did."""

    received_at: datetime
    mail_from: str
    to: list[str]
    raw: bytes

    @cached_property
    def parsed(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def subject(self) -> str:
        return str(self.parsed["Subject"] or "")

    @property
    def message_id(self) -> str:
        return str(self.parsed["Message-ID"] or "")

    @cached_property
    def body(self) -> str:
        part = self.parsed.get_body(preferencelist=("plain",))
        return str(part.get_content()) if part else ""

    @cached_property
    def html(self) -> str:
        part = self.parsed.get_body(preferencelist=("html",))
        return str(part.get_content()) if part else ""

    @cached_property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return tuple((key, str(value)) for key, value in self.parsed.items())

    @cached_property
    def parts(self) -> tuple[ReceivedPart, ...]:
        """Every leaf part, in order (the bodies too)."""
        return tuple(_part(part) for part in self.parsed.walk() if not part.is_multipart())

    @property
    def attachments(self) -> list[ReceivedPart]:
        """The parts sent as files, inline or not."""
        return [part for part in self.parts if part.disposition in ("attachment", "inline")]

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: SmtpEnvelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address.lower() in self.sink.bounce:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: SmtpEnvelope) -> str:  # noqa: N802
        if self.sink.refuse_with is not None:
            self.sink.refused += 1
            return self.sink.refuse_with
        content = envelope.content or b""
        raw = content.encode() if isinstance(content, str) else bytes(content)
        self.sink.messages.append(ReceivedMail(received_at=datetime.now(UTC), mail_from=str(envelope.mail_from),
                                               to=list(envelope.rcpt_tos), raw=raw))
        return "250 Message accepted"


def _part(part: Message) -> ReceivedPart:
    payload = part.get_payload(decode=True)
    params = part.get_params() or []
    return ReceivedPart(
        content_type=part.get_content_type(), params=tuple((str(k), str(v)) for k, v in params[1:]),
        disposition=part.get_content_disposition(), filename=part.get_filename(),
        content_id=str(part["Content-ID"]).strip("<>") if part["Content-ID"] else None,
        data=payload if isinstance(payload, bytes) else b"")


class SmtpSink:
    def __init__(self, port: int | None = None, *, refuse_with: str | None = None) -> None:
        self.port = port or free_port()
        self.refuse_with = refuse_with
        self.refused = 0
        self.bounce: set[str] = set()  # lower-cased addresses refused at RCPT with a 550
        self.messages: list[ReceivedMail] = []
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
