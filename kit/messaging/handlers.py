"""A service's handler registry: every subscription it has, in one visible place.

    router: EventRouter[NotifyDeps] = EventRouter("notify")

    @router.on(MemberApproved)
    async def send_welcome(event: MemberApproved, ctx: HandlerContext[NotifyDeps]) -> None: ...

`ctx.deps` is the service's typed dependencies, built once by its composition root.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.messaging.envelope import Envelope

C = TypeVar("C", bound=EventContract)
D = TypeVar("D")


@dataclass
class HandlerContext(Generic[D]):
    """What a handler may touch: the transaction its inbox row is in, the outbox, and the
    service's dependencies."""

    session: AsyncSession
    envelope: Envelope
    emit: Callable[[EventContract], Envelope]
    after_commit: Callable[[Callable[[], None]], None]
    deps: D
    attempt: int = 1  # which delivery of this event this is (JetStream's count)
    stream_sequence: int | None = None  # the event's place in its producer's stream (read models checkpoint it)


# The event parameter is typed by each handler's own contract; the router keys it by contract.
Handler = Callable[[Any, HandlerContext[D]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription(Generic[D]):
    service: str
    contract: type[EventContract]
    name: str  # the durable consumer's name, unique across the platform
    handler: Handler[D]

    @property
    def description(self) -> str:
        doc = (self.handler.__doc__ or "").strip().splitlines()
        return doc[0] if doc else self.handler.__name__


class EventRouter(Generic[D]):
    def __init__(self, service: str) -> None:
        self.service = service
        self.subscriptions: list[Subscription[D]] = []

    def on(self, contract: type[C], *, name: str | None = None) -> Callable[[Handler[D]], Handler[D]]:
        def register(handler: Handler[D]) -> Handler[D]:
            consumer = name or f"{self.service}-{handler.__name__.replace('_', '-')}"
            if any(s.name == consumer for s in self.subscriptions):
                raise ValueError(f"duplicate consumer name {consumer}")
            self.subscriptions.append(Subscription(self.service, contract, consumer, handler))
            return handler

        return register
