"""The replay's reading and routing, against a stand-in for JetStream and for the inbox applier: each
message to the subscriptions on its subject with its stream sequence, in stream order and in batches,
up to the stream's last sequence when the replay began; what no subscription takes is skipped."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import nats.errors
import pytest
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError

from kit.contracts import notify, registry
from kit.contracts.base import EventContract
from kit.messaging.envelope import Envelope
from kit.messaging.handlers import Subscription
from kit.messaging.inbox import APPLIED, DUPLICATE
from kit.messaging.replay import Replay
from kit.messaging.subjects import Naming

NAMING = Naming("t")
AT = datetime(2026, 10, 1, tzinfo=UTC)


async def _handler(event: Any, ctx: Any) -> None:
    """Never runs: the applier is a stand-in."""


APPROVED = Subscription("console", registry.MemberApproved, "console-approved", _handler)
SENT = Subscription("console", notify.DeliverySent, "console-sent", _handler)


def approved() -> registry.MemberApproved:
    return registry.MemberApproved(member_id=uuid4(), name="n", kind="municipality", status="approved", at=AT)


def sent() -> notify.DeliverySent:
    return notify.DeliverySent(delivery_id=uuid4(), channel="email", template="t", attempts=1, at=AT)


def message(event: EventContract | None, sequence: int, pending: int, subject: str | None = None) -> Any:
    """A stored message: `event`'s envelope on its subject, or something unreadable on `subject`."""
    data = Envelope.wrap(event, producer=event.producer()).model_dump_json().encode() if event else b"{not json"
    return SimpleNamespace(subject=subject or NAMING.subject(type(event).versioned_type()), data=data,
                           metadata=SimpleNamespace(sequence=SimpleNamespace(stream=sequence), num_pending=pending))


class Reader:
    def __init__(self, messages: list[Any]) -> None:
        self.messages = messages
        self.closed = False

    async def next_msg(self, timeout: float) -> Any:
        if not self.messages:
            raise nats.errors.TimeoutError
        return self.messages.pop(0)

    @property
    def pending_msgs(self) -> int:
        return len(self.messages)

    async def unsubscribe(self) -> None:
        self.closed = True

    async def consumer_info(self) -> Any:
        return SimpleNamespace(name="ephemeral")


@dataclass
class JetStream:
    streams: dict[str, tuple[int, list[Any]]]  # name -> (last sequence, the messages the reader gets)
    held: dict[str, int] = field(default_factory=dict)  # what the stream says it holds, if not what is read
    readers: dict[str, Reader] = field(default_factory=dict)
    deleted: list[tuple[str, str]] = field(default_factory=list)

    async def stream_info(self, name: str) -> Any:
        if name not in self.streams:
            raise NotFoundError
        last, messages = self.streams[name]
        first = messages[0].metadata.sequence.stream if messages else last + 1
        return SimpleNamespace(state=SimpleNamespace(first_seq=first, last_seq=last,
                                                     messages=self.held.get(name, len(messages))))

    async def subscribe(self, subject: str, *, stream: str, ordered_consumer: bool,
                        deliver_policy: DeliverPolicy) -> Reader:
        assert ordered_consumer and deliver_policy is DeliverPolicy.ALL
        assert subject == NAMING.producer_wildcard(stream.split("_")[1].lower())
        self.readers[stream] = Reader(list(self.streams[stream][1]))
        return self.readers[stream]

    async def delete_consumer(self, stream: str, consumer: str) -> None:
        self.deleted.append((stream, consumer))


class Applier:
    """Settles each delivery a moment after it is submitted: its outcome by event type."""

    def __init__(self, outcomes: dict[str, str | Exception] | None = None) -> None:
        self.outcomes = outcomes or {}
        self.submitted: list[tuple[str, str, int | None]] = []
        self.unsettled = 0
        self.most_unsettled = 0

    def submit(self, sub: Subscription[Any], envelope: Envelope, attempt: int = 1,
               sequence: int | None = None) -> asyncio.Future[str]:
        self.submitted.append((sub.name, envelope.versioned_type, sequence))
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.unsettled += 1
        self.most_unsettled = max(self.most_unsettled, self.unsettled)
        outcome = self.outcomes.get(envelope.versioned_type, APPLIED)
        asyncio.get_running_loop().call_soon(self._settle, future, outcome)
        return future

    def _settle(self, future: asyncio.Future[str], outcome: str | Exception) -> None:
        self.unsettled -= 1
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def replay(js: JetStream, applier: Applier, **options: Any) -> Replay[Any]:
    return Replay(js, naming=NAMING, subscriptions=[APPROVED, SENT], applier=applier, **options)  # type: ignore[arg-type]


async def test_every_message_goes_to_its_subscription_with_its_sequence_up_to_the_last_one() -> None:
    login = registry.LoginLinkRequested(email="a@example.jp", login_url="http://x", expires_at=AT)
    js = JetStream({
        "T_REGISTRY": (5, [message(approved(), 1, 4), message(login, 2, 3), message(None, 3, 2, "t.registry.x.v1"),
                           message(approved(), 5, 1), message(approved(), 6, 0)]),  # 4 deleted; 6 came after
        "T_NOTIFY": (2, [message(sent(), 1, 1), message(sent(), 2, 0)]),
    })
    applier = Applier()

    results = await replay(js, applier).run()

    assert applier.submitted == [("console-sent", "notify.delivery.sent.v1", 1),
                                 ("console-sent", "notify.delivery.sent.v1", 2),
                                 ("console-approved", "registry.member.approved.v1", 1),
                                 ("console-approved", "registry.member.approved.v1", 5)]
    notify_stream, registry_stream = results
    assert (registry_stream.stream, registry_stream.last, registry_stream.read, registry_stream.applied,
            registry_stream.skipped) == ("T_REGISTRY", 5, 4, 2, 2)
    assert (notify_stream.read, notify_stream.applied) == (2, 2)
    assert all(reader.closed for reader in js.readers.values())
    assert sorted(js.deleted) == [("T_NOTIFY", "ephemeral"), ("T_REGISTRY", "ephemeral")]  # not left to the server


async def test_it_stops_at_the_streams_end_when_its_last_messages_are_gone() -> None:
    js = JetStream({"T_REGISTRY": (9, [message(approved(), 1, 1), message(approved(), 2, 0)]),
                    "T_NOTIFY": (0, [])})
    results = await replay(js, Applier()).run()
    assert [(r.read, r.applied) for r in results] == [(0, 0), (2, 2)]
    assert "T_NOTIFY" not in js.readers  # an empty stream is not read


async def test_duplicates_and_failures_are_counted_and_the_failures_named() -> None:
    js = JetStream({"T_REGISTRY": (2, [message(approved(), 1, 1), message(approved(), 2, 0)]),
                    "T_NOTIFY": (1, [message(sent(), 1, 0)])})
    applier = Applier({"registry.member.approved.v1": DUPLICATE, "notify.delivery.sent.v1": RuntimeError("boom")})
    notify_stream, registry_stream = await replay(js, applier).run()
    assert (registry_stream.applied, registry_stream.duplicates, registry_stream.failed) == (0, 2, 0)
    assert notify_stream.failed == 1 and "RuntimeError('boom')" in notify_stream.errors[0]


async def test_it_holds_at_most_two_batches_one_committing_while_the_next_is_read() -> None:
    js = JetStream({"T_REGISTRY": (7, [message(approved(), n, 7 - n) for n in range(1, 8)]), "T_NOTIFY": (0, [])})
    applier = Applier()
    [_, result] = await replay(js, applier, batch=3).run()
    assert len(applier.submitted) == 7 and applier.most_unsettled == 2 * 3 and result.applied == 7


async def test_a_missing_stream_is_found_before_anything_is_replayed() -> None:
    js = JetStream({"T_REGISTRY": (0, [])})
    with pytest.raises(LookupError, match="T_NOTIFY"):
        await replay(js, Applier()).check()


async def test_the_check_says_where_each_stream_starts_now() -> None:
    js = JetStream({"T_REGISTRY": (5, [message(approved(), 4, 1), message(approved(), 5, 0)]),
                    "T_NOTIFY": (0, [])})
    assert await replay(js, Applier()).check() == {"T_NOTIFY": 1, "T_REGISTRY": 4}  # 1 to 3 aged out


async def test_a_stream_that_stops_delivering_is_an_error_not_a_hang() -> None:
    js = JetStream({"T_REGISTRY": (3, [message(approved(), 1, 2)]), "T_NOTIFY": (0, [])}, held={"T_REGISTRY": 3})
    with pytest.raises(TimeoutError, match="T_REGISTRY: nothing after 1 messages"):
        await replay(js, Applier(), idle_timeout_s=0.01).run()
