"""JetStream topology as code: streams, the dead-letter stream and durable consumers.

Development creates it at start; production runs `kakawari streams apply` once
per release, and services only bind to what exists.

Applying never weakens an existing stream by accident: fewer replicas or a shorter retention
(a development process, one replica, pointed at production's three-replica streams) is refused
unless asked for (`allow_downgrade`). A stream already as wanted is only read, so a service
whose NATS user may not change streams (`kakawari nats config`) can still apply at start.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from kit import defaults
from kit.messaging.handlers import Subscription
from kit.messaging.subjects import Naming

DAY_S = 86_400
# The limits a stream keeps its messages by; lowering one loses messages, or redundancy.
_RETENTION_LIMITS = ("max_age", "max_msgs", "max_bytes")


class DowngradeRefused(Exception):
    """Applying would lower an existing stream's replicas or retention; nothing was changed."""

    def __init__(self, downgrades: list[str]) -> None:
        self.downgrades = downgrades
        super().__init__("refusing to weaken existing streams (" + "; ".join(downgrades) + "): pass "
                         "allow_downgrade (`kakawari streams apply --allow-downgrade`) if that is meant")


def _limit(value: float | None) -> float:
    """A retention limit as a number: unset, 0 (max_age) and -1 (max_msgs, max_bytes) mean none."""
    return math.inf if value is None or value <= 0 else float(value)


def _shown(name: str, value: float) -> str:
    if math.isinf(value):
        return "unlimited"
    return f"{value / DAY_S:g}d" if name == "max_age" else f"{value:g}"


def downgrades(current: StreamConfig, wanted: StreamConfig) -> list[str]:
    """What applying `wanted` over `current` would lower: replicas, then each retention limit."""
    found = []
    replicas = (current.num_replicas or 1, wanted.num_replicas or 1)
    if replicas[1] < replicas[0]:
        found.append(f"{current.name}: num_replicas {replicas[0]} → {replicas[1]}")
    for name in _RETENTION_LIMITS:
        before, after = _limit(getattr(current, name)), _limit(getattr(wanted, name))
        if after < before:
            found.append(f"{current.name}: {name} {_shown(name, before)} → {_shown(name, after)}")
    return found


def differs(current: StreamConfig, wanted: StreamConfig) -> bool:
    """Whether the stream lacks a setting of `wanted` (what it leaves unset is the server's to choose)."""
    return any(getattr(current, f.name) != value
               for f in fields(wanted) if (value := getattr(wanted, f.name)) is not None)


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
        self, js: JetStreamContext, producers: Iterable[str], subscriptions: Iterable[Subscription[Any]],
        *, allow_downgrade: bool = False,
    ) -> list[str]:
        """Create the missing streams, update those that differ, create or update every consumer;
        returns what it did, for the CLI. Raises DowngradeRefused, before changing anything, if a
        stream would lose replicas or retention and `allow_downgrade` is not given."""
        wanted = [*(self.stream(p) for p in sorted(set(producers))), self.dlq()]
        current: dict[str, StreamConfig] = {}
        for config in wanted:
            with contextlib.suppress(NotFoundError):
                current[str(config.name)] = (await js.stream_info(str(config.name))).config
        lowered = [d for config in wanted if (now := current.get(str(config.name))) for d in downgrades(now, config)]
        if lowered and not allow_downgrade:
            raise DowngradeRefused(lowered)
        done: list[str] = []
        for config in wanted:
            existing = current.get(str(config.name))
            if existing is None:
                await js.add_stream(config)
                done.append(f"stream {config.name} created")
            elif differs(existing, config):
                await js.update_stream(config)
                done.append(f"stream {config.name} updated")
            else:
                done.append(f"stream {config.name} unchanged")
        for sub in subscriptions:
            consumer = self.consumer(sub)
            await js.add_consumer(self.naming.stream(sub.contract.producer()), consumer)
            done.append(f"consumer {consumer.durable_name} applied")
        return done

    async def missing(self, js: JetStreamContext, own: str, producers: Iterable[str],
                      subscriptions: Iterable[Subscription[Any]]) -> list[str]:
        """What service `own` needs that `apply` has not made yet (empty once it has): its own stream if
        it publishes, the stream of every event it consumes, the DLQ, each with at least the replicas
        wanted, and its durable consumers. Asks only what the service's own NATS user may ask."""
        subs = [s for s in subscriptions if s.service == own]
        streams = sorted({*(self.naming.stream(p) for p in producers if p == own),
                          *(self.naming.stream(s.contract.producer()) for s in subs), self.naming.dlq_stream()})
        lacking: list[str] = []
        for name in streams:
            try:
                replicas = (await js.stream_info(name)).config.num_replicas or 1
            except NotFoundError:
                lacking.append(f"stream {name}")
                continue
            if replicas < self.replicas:
                lacking.append(f"stream {name} with {self.replicas} replicas (it has {replicas})")
        for sub in subs:
            durable = self.naming.durable(sub.name)
            try:
                await js.consumer_info(self.naming.stream(sub.contract.producer()), durable)
            except NotFoundError:
                lacking.append(f"consumer {durable}")
        return lacking

    async def delete(self, js: JetStreamContext, producers: Iterable[str]) -> None:
        """Remove this namespace's streams (tests clean up after themselves)."""
        for name in [*(self.naming.stream(p) for p in set(producers)), self.naming.dlq_stream()]:
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(name)
