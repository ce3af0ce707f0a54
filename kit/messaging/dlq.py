"""The dead-letter stream: where deliveries end that no retry could apply.

Each entry keeps the original message, the consumer that gave up, how many
times it tried and the last error. Operators list entries and replay one: it is
published again on its original subject under a fresh Nats-Msg-Id, and the
inboxes of consumers that had already applied it make the replay harmless there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from kit.defaults import error_text
from kit.messaging.subjects import Naming

H_CONSUMER = "Kakawari-Consumer"
H_SUBJECT = "Kakawari-Original-Subject"
H_ERROR = "Kakawari-Error"
H_DELIVERIES = "Kakawari-Deliveries"
H_EVENT_ID = "Kakawari-Event-Id"


@dataclass(frozen=True)
class DeadLetter:
    seq: int
    consumer: str
    subject: str
    event_id: str
    error: str
    deliveries: int
    at: datetime
    data: bytes

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.seq, "consumer": self.consumer, "subject": self.subject, "event_id": self.event_id,
                "error": self.error, "deliveries": self.deliveries, "at": self.at.isoformat()}


class DeadLetters:
    def __init__(self, js: JetStreamContext, naming: Naming) -> None:
        self.js = js
        self.naming = naming

    async def send(self, *, consumer: str, subject: str, data: bytes, headers: dict[str, str] | None,
                   event_id: str, error: str, deliveries: int, sequence: int = 0) -> None:
        """`sequence`: the failed message's place in its stream. It is part of the dead letter's id, so a
        replayed message that fails again (a new stream message) is dead-lettered again, not dropped
        by JetStream's duplicate window as the same dead letter."""
        dlq_headers = {k: v for k, v in (headers or {}).items() if k != "Nats-Msg-Id"}
        dlq_headers.update({
            H_CONSUMER: consumer, H_SUBJECT: subject, H_ERROR: error_text(error),
            H_DELIVERIES: str(deliveries), H_EVENT_ID: event_id,
            "Nats-Msg-Id": f"dlq:{consumer}:{event_id}:{sequence}:{deliveries}",
        })
        await self.js.publish(self.naming.dlq_subject(consumer), data, headers=dlq_headers)

    async def count(self) -> int:
        try:
            info = await self.js.stream_info(self.naming.dlq_stream())
        except NotFoundError:
            return 0
        return int(info.state.messages)

    async def list(self, limit: int = 100) -> list[DeadLetter]:
        try:
            info = await self.js.stream_info(self.naming.dlq_stream())
        except NotFoundError:
            return []
        entries: list[DeadLetter] = []
        seq = info.state.first_seq
        while seq and seq <= info.state.last_seq and len(entries) < limit:
            entry = await self.get(seq)
            if entry:
                entries.append(entry)
            seq += 1
        return entries

    async def get(self, seq: int) -> DeadLetter | None:
        try:
            raw = await self.js.get_msg(self.naming.dlq_stream(), seq)
        except NotFoundError:
            return None
        headers = raw.headers or {}
        return DeadLetter(
            seq=seq, consumer=headers.get(H_CONSUMER, ""), subject=headers.get(H_SUBJECT, ""),
            event_id=headers.get(H_EVENT_ID, ""), error=headers.get(H_ERROR, ""),
            deliveries=int(headers.get(H_DELIVERIES, "0")),
            at=raw.time if isinstance(raw.time, datetime) else datetime.now(UTC),
            data=raw.data or b"",
        )

    async def replay(self, seq: int) -> DeadLetter:
        entry = await self.get(seq)
        if entry is None:
            raise LookupError(f"no dead letter {seq}")
        raw = await self.js.get_msg(self.naming.dlq_stream(), seq)
        headers = {k: v for k, v in (raw.headers or {}).items() if not k.startswith("Kakawari-")}
        headers["Nats-Msg-Id"] = f"{entry.event_id}:replay:{seq}"
        await self.js.publish(entry.subject, entry.data, headers=headers)
        await self.js.delete_msg(self.naming.dlq_stream(), seq)
        return entry
