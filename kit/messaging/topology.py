"""JetStream topology as code: streams, the dead-letter stream and durable consumers.

Development creates it at start; production runs `kakawari streams apply` once
per release, and services only bind to what exists.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from kit import defaults
from kit.messaging.handlers import Subscription
from kit.messaging.subjects import Naming

DAY_S = 86_400


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how patiently, a failing delivery is retried before the DLQ."""

    max_deliver: int = defaults.MAX_DELIVER
    backoff_s: tuple[float, ...] = defaults.RETRY_BACKOFF_S
    ack_wait_s: float = 30.0

    def delay_after(self, delivery: int) -> float:
        return self.backoff_s[min(delivery, len(self.backoff_s)) - 1] if self.backoff_s else 0.0


@dataclass(frozen=True)
class Topology:
    naming: Naming
    retry: RetryPolicy = RetryPolicy()
    replicas: int = 1
    duplicate_window_s: float = 120.0
    max_age_days: int = defaults.STREAM_RETENTION_DAYS

    def stream(self, producer: str) -> StreamConfig:
        return StreamConfig(
            name=self.naming.stream(producer),
            subjects=[self.naming.producer_wildcard(producer)],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            num_replicas=self.replicas,
            duplicate_window=self.duplicate_window_s,
            max_age=self.max_age_days * DAY_S,
        )

    def dlq(self) -> StreamConfig:
        return StreamConfig(
            name=self.naming.dlq_stream(),
            subjects=[self.naming.dlq_wildcard()],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            num_replicas=self.replicas,
            duplicate_window=self.duplicate_window_s,
            max_age=90 * DAY_S,
        )

    def consumer(self, sub: Subscription[Any]) -> ConsumerConfig:
        # Push, with a deliver group: messages go out the moment they are stored (a pull
        # fetch would hold a partial batch until it filled or timed out), and every
        # replica of the service joins the group to share the load.
        durable = self.naming.durable(sub.name)
        return ConsumerConfig(
            durable_name=durable,
            deliver_subject=self.naming.deliver_subject(sub.name),
            deliver_group=durable,
            description=f"{sub.service}: {sub.description}",
            filter_subject=self.naming.subject(sub.contract.versioned_type()),
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.retry.ack_wait_s,
            max_deliver=self.retry.max_deliver,
            max_ack_pending=2048,
        )

    async def apply(
        self, js: JetStreamContext, producers: Iterable[str], subscriptions: Iterable[Subscription[Any]]
    ) -> list[str]:
        """Create or update every stream and consumer; returns what it did, for the CLI."""
        done: list[str] = []
        for config in [*(self.stream(p) for p in sorted(set(producers))), self.dlq()]:
            try:
                await js.stream_info(config.name)  # type: ignore[arg-type]
                await js.update_stream(config)
                done.append(f"stream {config.name} updated")
            except NotFoundError:
                await js.add_stream(config)
                done.append(f"stream {config.name} created")
        for sub in subscriptions:
            consumer = self.consumer(sub)
            await js.add_consumer(self.naming.stream(sub.contract.producer()), consumer)
            done.append(f"consumer {consumer.durable_name} applied")
        return done

    async def delete(self, js: JetStreamContext, producers: Iterable[str]) -> None:
        """Remove this namespace's streams (tests clean up after themselves)."""
        for name in [*(self.naming.stream(p) for p in set(producers)), self.naming.dlq_stream()]:
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(name)
