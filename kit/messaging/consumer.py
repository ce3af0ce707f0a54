"""Binds a service's subscriptions to FastStream subscribers on JetStream durables.

Per delivery: parse the envelope (unparseable → straight to the DLQ) and queue
it for the inbox applier, which commits deliveries in groups; the ack or nack is
sent when that commit is done, never before. A failure nacks with the policy's
backoff; the delivery that exhausts `max_deliver` goes to the DLQ with its error
and is terminated, so JetStream stops redelivering it.

The subscriber callback returns as soon as the delivery is queued, so FastStream
hands over the next message at once and a burst becomes one transaction; once
it commits, one task settles the whole group.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from faststream import AckPolicy
from faststream.nats import JStream, NatsBroker
from faststream.nats.message import NatsMessage
from nats.aio.msg import Msg
from pydantic import ValidationError

from kit.messaging.dlq import DeadLetters
from kit.messaging.envelope import Envelope
from kit.messaging.handlers import Subscription
from kit.messaging.inbox import APPLIED, DUPLICATE, InboxApplier
from kit.messaging.topology import Topology
from kit.telemetry import metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Settled:
    """A delivery whose transaction is over: `future` holds its outcome or its error."""

    message: NatsMessage
    envelope: Envelope
    deliveries: int
    future: asyncio.Future[str]


async def _parse(msg: Msg) -> NatsMessage:
    """FastStream's JetStream parser, less what kakawari does not use (path parameters, a reply
    header): the event id (`Nats-Msg-Id`) is the message id, so FastStream's log lines name the
    event, and no random id is drawn for every delivery."""
    headers = msg.headers or {}
    event_id = headers.get("Nats-Msg-Id")
    return NatsMessage(raw_message=msg, body=msg.data, headers=headers, message_id=event_id,
                       correlation_id=event_id)


def _stream_sequence(raw: Msg) -> int | None:
    """The message's place in its stream (None for a message without JetStream metadata)."""
    position = getattr(raw.metadata, "sequence", None)
    return position.stream if position is not None else None


async def _raw_body(message: NatsMessage) -> bytes:
    """Skip FastStream's JSON decoding: the envelope is parsed once, by Pydantic."""
    return message.body


class SubscriptionBinding:
    def __init__(self, *, sub: Subscription[Any], topology: Topology, applier: InboxApplier[Any]) -> None:
        self.sub = sub
        self.retry = topology.retry
        self.applier = applier
        self.dlq: DeadLetters | None = None  # set at start, once NATS is connected
        self._inflight: set[asyncio.Future[str]] = set()
        self._settled: list[_Settled] = []
        self._settler: asyncio.Task[None] | None = None
        self._counters = {outcome: metrics.EVENTS_HANDLED.labels(sub.service, sub.name, outcome)
                          for outcome in (APPLIED, DUPLICATE, "retried", "dead_lettered")}

    async def on_message(self, message: NatsMessage) -> None:
        raw = message.raw_message
        deliveries = raw.metadata.num_delivered if raw.metadata else 1
        try:
            envelope = Envelope.model_validate_json(raw.data)
        except ValidationError as exc:
            await self._dead_letter(message, "", f"unparseable envelope: {exc}", deliveries)
            return
        future = self.applier.submit(self.sub, envelope, deliveries, _stream_sequence(raw))
        self._inflight.add(future)
        future.add_done_callback(lambda done: self._on_applied(_Settled(message, envelope, deliveries, done)))

    def _on_applied(self, settled: _Settled) -> None:
        """A commit settles a whole group at once: one task acks them all, not one task each."""
        self._inflight.discard(settled.future)
        self._settled.append(settled)
        if self._settler is None or self._settler.done():
            self._settler = asyncio.create_task(self._settle_all())

    async def _settle_all(self) -> None:
        while self._settled:
            batch, self._settled = self._settled, []
            for settled in batch:
                if settled.future.cancelled():  # shutting down: unacked, so JetStream redelivers it
                    continue
                try:
                    await self._settle(settled)
                except Exception:  # noqa: BLE001 - one failed ack must not strand the rest of the group
                    log.exception("event.settle.failed", extra={"consumer": self.sub.name,
                                                                "event_id": str(settled.envelope.id)})

    async def _settle(self, settled: _Settled) -> None:
        sub, message, deliveries = self.sub, settled.message, settled.deliveries
        error = settled.future.exception()
        if error is not None:
            log.warning("event.handler.failed", extra={"consumer": sub.name, "event_id": str(settled.envelope.id),
                                                         "delivery": deliveries, "error": repr(error)})
            if deliveries >= self.retry.max_deliver:
                await self._dead_letter(message, str(settled.envelope.id), repr(error), deliveries)
            else:
                self._counters["retried"].inc()
                await message.nack(delay=self.retry.delay_after(deliveries))
            return
        self._counters[settled.future.result()].inc()
        await message.ack()

    async def _dead_letter(self, message: NatsMessage, event_id: str, error: str, deliveries: int) -> None:
        raw, sub = message.raw_message, self.sub
        assert self.dlq is not None, "binding started without a DLQ"
        await self.dlq.send(consumer=sub.name, subject=raw.subject, data=raw.data, headers=raw.headers,
                            sequence=_stream_sequence(raw) or 0,
                            event_id=event_id or (raw.headers or {}).get("Nats-Msg-Id", "unknown"),
                            error=error, deliveries=deliveries)
        metrics.DEAD_LETTERED.labels(sub.service, sub.name).inc()
        self._counters["dead_lettered"].inc()
        await message.reject()  # TERM: never redeliver; the DLQ owns it now

    async def drain(self) -> None:
        """Wait for queued deliveries to be applied and settled (on shutdown)."""
        if self._inflight:
            await asyncio.wait(list(self._inflight), timeout=5)
        if self._settler is not None:
            await asyncio.wait({self._settler}, timeout=5)


def bind_subscription(
    broker: NatsBroker, *, sub: Subscription[Any], topology: Topology, applier: InboxApplier[Any],
) -> SubscriptionBinding:
    naming = topology.naming
    subject = naming.subject(sub.contract.versioned_type())
    durable = naming.durable(sub.name)
    binding = SubscriptionBinding(sub=sub, topology=topology, applier=applier)

    async def consume(body: Any) -> None:
        await binding.on_message(broker.context.get_local("message"))

    consume.__name__ = sub.name.replace("-", "_")
    consume.__doc__ = sub.description
    broker.subscriber(
        subject,
        stream=JStream(name=naming.stream(sub.contract.producer()), declare=False),
        queue=durable,  # the deliver group; nats-py binds the durable of the same name
        config=topology.consumer(sub),
        parser=_parse,
        decoder=_raw_body,
        ack_policy=AckPolicy.MANUAL,
        title=f"{subject}:{sub.name}",
        description=f"{sub.description} (contract {sub.contract.__name__})",
    )(consume)
    return binding
