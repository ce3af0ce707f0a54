"""Replays the streams a service consumes into its inbox applier: how read models are rebuilt.

For each producer stream the service's subscriptions read, an ordered consumer (ephemeral, kept in
memory, no acks; nats-py restarts it where it left off if a message goes missing) reads every
message from the stream's start up to the last sequence the stream had when the replay of it
began. Each message goes to the service's `InboxApplier` with its stream sequence, once for every
subscription on its subject, as the durables would deliver it, in stream order. Types no
subscription consumes, and envelopes that cannot be read, are skipped and counted.

The service's durable consumers are not touched: they keep their own positions and keep
delivering while a replay runs. What both deliver is applied once, by whichever comes first: the
inbox row says the other one is a duplicate.

Messages are read a batch at a time and submitted together, so the applier commits each batch in
one transaction; the next batch is read while one commits, and no more than two are held however
long the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError
from pydantic import ValidationError

from kit.messaging.envelope import Envelope
from kit.messaging.handlers import Subscription
from kit.messaging.inbox import APPLIED, InboxApplier
from kit.messaging.subjects import Naming

D = TypeVar("D")
_SHOWN_ERRORS = 10  # a broken handler fails every event; the first few say why
_Submitted = tuple[UUID, asyncio.Future[str]]  # an event's id, and its delivery's outcome once committed


@dataclass
class StreamReplay:
    """What the replay of one stream did."""

    stream: str
    last: int  # the stream's last sequence when its replay began: where it stopped
    read: int = 0  # messages read
    applied: int = 0  # deliveries applied (a message goes to every subscription on its subject)
    duplicates: int = 0  # already in the inbox: applied before
    skipped: int = 0  # no subscription consumes the type, or the envelope cannot be read
    failed: int = 0  # a handler raised: not applied; `errors` says why
    errors: list[str] = field(default_factory=list)


class Replay(Generic[D]):
    def __init__(
        self, js: JetStreamContext, *, naming: Naming, subscriptions: Sequence[Subscription[D]],
        applier: InboxApplier[D], batch: int = 512, idle_timeout_s: float = 10.0,
    ) -> None:
        self.js = js
        self.naming = naming
        self.applier = applier
        self.batch = batch
        self.idle_timeout_s = idle_timeout_s
        self.producers = sorted({sub.contract.producer() for sub in subscriptions})
        self._by_subject: dict[str, list[Subscription[D]]] = {}
        for sub in subscriptions:
            self._by_subject.setdefault(naming.subject(sub.contract.versioned_type()), []).append(sub)

    @property
    def streams(self) -> list[str]:
        return [self.naming.stream(p) for p in self.producers]

    async def check(self) -> dict[str, int]:
        """Each stream's first sequence still held: past 1 once older messages aged out (`max_age`) or
        were purged, so a replay no longer gives all that was applied from it. Raises LookupError
        unless every stream exists (a wrong NATS or namespace): a caller that empties read models
        asks this first."""
        firsts: dict[str, int] = {}
        missing = []
        for name in self.streams:
            try:
                firsts[name] = (await self.js.stream_info(name)).state.first_seq
            except NotFoundError:
                missing.append(name)
        if missing:
            raise LookupError(f"no such stream: {', '.join(missing)}")
        return firsts

    async def run(self) -> list[StreamReplay]:
        """Replay every stream, one after another; what each did."""
        return [await self._replay(producer) for producer in self.producers]

    async def _replay(self, producer: str) -> StreamReplay:
        name = self.naming.stream(producer)
        state = (await self.js.stream_info(name)).state
        result = StreamReplay(stream=name, last=state.last_seq)
        if not state.messages:
            return result
        reader = await self.js.subscribe(self.naming.producer_wildcard(producer), stream=name,
                                         ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
        previous: list[_Submitted] = []
        try:
            done = False
            while not done:
                chunk, done = await self._read(reader, result)
                # Submitted together, so the applier takes them as one batch; the chunk before
                # commits while this one is read, and at most two are ever held.
                submitted = [s for msg, sequence in chunk for s in self._submit(msg, sequence, result)]
                await self._settle(previous, result)
                previous = submitted
            await self._settle(previous, result)
        finally:
            await self._close(name, reader)
        return result

    async def _read(self, reader: JetStreamContext.PushSubscription,
                    result: StreamReplay) -> tuple[list[tuple[Msg, int]], bool]:
        """The next messages, up to a batch of what has arrived; and whether the end is reached."""
        chunk: list[tuple[Msg, int]] = []
        while len(chunk) < self.batch and (not chunk or reader.pending_msgs):
            try:
                msg = await reader.next_msg(timeout=self.idle_timeout_s)
            except nats.errors.TimeoutError as exc:
                raise TimeoutError(f"{result.stream}: nothing after {result.read} messages in "
                                   f"{self.idle_timeout_s}s") from exc
            position = msg.metadata
            sequence = position.sequence.stream
            if sequence > result.last:  # stored during the replay: the durables deliver it
                return chunk, True
            result.read += 1
            chunk.append((msg, sequence))
            # Messages removed from the stream's tail (by age, or deleted) never come: stop at its end.
            if sequence == result.last or not position.num_pending:
                return chunk, True
        return chunk, False

    def _submit(self, msg: Msg, sequence: int, result: StreamReplay) -> list[_Submitted]:
        subscriptions = self._by_subject.get(msg.subject)
        if not subscriptions:
            result.skipped += 1
            return []
        try:
            envelope = Envelope.model_validate_json(msg.data)
        except ValidationError:  # the live consumer dead-letters it; a replay has nothing to add
            result.skipped += 1
            return []
        return [(envelope.id, self.applier.submit(sub, envelope, 1, sequence)) for sub in subscriptions]

    @staticmethod
    async def _settle(submitted: list[_Submitted], result: StreamReplay) -> None:
        outcomes = await asyncio.gather(*(future for _, future in submitted), return_exceptions=True)
        for (event_id, _), outcome in zip(submitted, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                result.failed += 1
                if len(result.errors) < _SHOWN_ERRORS:
                    result.errors.append(f"{event_id}: {outcome!r}")
            elif outcome == APPLIED:
                result.applied += 1
            else:
                result.duplicates += 1

    async def _close(self, stream: str, reader: JetStreamContext.PushSubscription) -> None:
        """Unsubscribe and delete the ephemeral consumer now, rather than when the server notices."""
        with contextlib.suppress(nats.errors.Error):
            await reader.unsubscribe()
        with contextlib.suppress(nats.errors.Error):
            await self.js.delete_consumer(stream, (await reader.consumer_info()).name)
