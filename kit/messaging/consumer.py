"""Binds a service's subscriptions to FastStream pull subscribers on JetStream.

Per delivery: parse the envelope (unparseable → straight to the DLQ), apply it
through the inbox, then ack. A failure nacks with the policy's backoff; the
delivery that exhausts `max_deliver` goes to the DLQ with its error and is
terminated, so JetStream stops redelivering it.
"""

from __future__ import annotations

import logging

from faststream import AckPolicy
from faststream.nats import JStream, NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage
from pydantic import ValidationError

from kit.messaging.dlq import DeadLetters
from kit.messaging.envelope import Envelope
from kit.messaging.handlers import Subscription
from kit.messaging.inbox import InboxApplier
from kit.messaging.topology import Topology
from kit.telemetry import metrics

log = logging.getLogger(__name__)


def bind_subscription(
    broker: NatsBroker, *, sub: Subscription, topology: Topology, applier: InboxApplier, dlq: DeadLetters,
    fetch_batch: int = 256,
) -> None:
    naming, retry = topology.naming, topology.retry
    subject = naming.subject(sub.contract.versioned_type())

    async def consume(msg: NatsMessage) -> None:
        raw = msg.raw_message
        deliveries = raw.metadata.num_delivered if raw.metadata else 1
        try:
            envelope = Envelope.model_validate_json(raw.data)
        except ValidationError as exc:
            await _dead_letter(msg, "", f"unparseable envelope: {exc}", deliveries)
            return
        try:
            outcome = await applier.apply(sub, envelope)
        except Exception as exc:  # noqa: BLE001 - every failure is retried, then dead-lettered
            log.warning("event.handler.failed", extra={"consumer": sub.name, "event_id": str(envelope.id),
                                                         "delivery": deliveries, "error": repr(exc)})
            if deliveries >= retry.max_deliver:
                await _dead_letter(msg, str(envelope.id), repr(exc), deliveries)
            else:
                metrics.EVENTS_HANDLED.labels(sub.service, sub.name, "retried").inc()
                await msg.nack(delay=retry.delay_after(deliveries))
            return
        metrics.EVENTS_HANDLED.labels(sub.service, sub.name, outcome).inc()
        await msg.ack()

    async def _dead_letter(msg: NatsMessage, event_id: str, error: str, deliveries: int) -> None:
        raw = msg.raw_message
        await dlq.send(consumer=sub.name, subject=raw.subject, data=raw.data, headers=raw.headers,
                       event_id=event_id or (raw.headers or {}).get("Nats-Msg-Id", "unknown"),
                       error=error, deliveries=deliveries)
        metrics.DEAD_LETTERED.labels(sub.service, sub.name).inc()
        metrics.EVENTS_HANDLED.labels(sub.service, sub.name, "dead_lettered").inc()
        await msg.reject()  # TERM: never redeliver; the DLQ owns it now

    consume.__name__ = sub.name.replace("-", "_")
    consume.__doc__ = sub.description
    broker.subscriber(
        subject,
        stream=JStream(name=naming.stream(sub.contract.producer()), declare=False),
        durable=naming.durable(sub.name),
        config=topology.consumer(sub),
        pull_sub=PullSub(batch_size=fetch_batch, timeout=5.0),
        ack_policy=AckPolicy.MANUAL,
        title=f"{subject}:{sub.name}",
        description=f"{sub.description} (contract {sub.contract.__name__})",
    )(consume)
