"""A service's handler registry: every subscription it has, in one visible place.

    router = EventRouter("notify")

    @router.on(MemberApproved)
    async def send_welcome(event: MemberApproved, ctx: HandlerContext) -> None: ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.messaging.envelope import Envelope

C = TypeVar("C", bound=EventContract)


@dataclass
class HandlerContext:
    """What a handler may touch: the transaction its inbox row is in, and the outbox."""

    session: AsyncSession
    envelope: Envelope
    emit: Callable[[EventContract], Envelope]
    after_commit: Callable[[Callable[[], None]], None]
    extras: dict[str, Any]  # the service's singletons (mailer, gazetteer, ...)
    attempt: int = 1  # which delivery of this event this is (JetStream's count)


Handler = Callable[[Any, HandlerContext], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    service: str
    contract: type[EventContract]
    name: str  # the durable consumer's name, unique across the platform
    handler: Handler

    @property
    def description(self) -> str:
        doc = (self.handler.__doc__ or "").strip().splitlines()
        return doc[0] if doc else self.handler.__name__


class EventRouter:
    def __init__(self, service: str) -> None:
        self.service = service
        self.subscriptions: list[Subscription] = []

    def on(self, contract: type[C], *, name: str | None = None) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            consumer = name or f"{self.service}-{handler.__name__.replace('_', '-')}"
            if any(s.name == consumer for s in self.subscriptions):
                raise ValueError(f"duplicate consumer name {consumer}")
            self.subscriptions.append(Subscription(self.service, contract, consumer, handler))
            return handler

        return register
