"""Two throwaway services for the messaging tests: `qaprod` emits pings, `qacons` applies them.

The consumer's handler records an effect row and can be told to fail a number
of times, or always, per event: enough to play every failure the kit must
survive, with real NATS and a real database underneath.
"""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from fastapi import APIRouter
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from kit.contracts.base import EventContract
from kit.db.types import ServiceBase, service_metadata
from kit.messaging.handlers import EventRouter, HandlerContext
from kit.messaging.tables import messaging_tables
from kit.service import ServiceCore, ServiceDefinition


class PingSent(EventContract):
    event_type = "qaprod.ping.sent"
    description = "Test event."
    n: int
    label: str = ""


class PingEchoed(EventContract):
    event_type = "qacons.ping.echoed"
    description = "Test event the consumer emits from its handler."
    n: int


class _ProdBase(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


class _ConsBase(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


PROD_TABLES = messaging_tables(_ProdBase.metadata)
CONS_TABLES = messaging_tables(_ConsBase.metadata)


class Effect(_ConsBase):
    __tablename__ = "effects"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[UUID]
    n: Mapped[int]
    label: Mapped[str] = mapped_column(String(50))


class FailurePlan:
    """Per event label: how many deliveries fail before one succeeds (-1: every one fails).

    Failures are keyed by delivery attempt, not by handler call: the kit may call a
    handler twice within one delivery (fast path, then careful path) and that must
    not change what a delivery does.
    """

    def __init__(self) -> None:
        self.fail_first: dict[str, int] = defaultdict(int)
        self.attempts: dict[str, set[int]] = defaultdict(set)

    def reset(self) -> None:
        self.fail_first.clear()
        self.attempts.clear()

    def deliveries(self, label: str) -> int:
        return len(self.attempts[label])


PLAN = FailurePlan()
consumer_router: EventRouter[ServiceCore] = EventRouter("qacons")


def core_as_deps(core: ServiceCore) -> ServiceCore:
    """The throwaway services need nothing beyond what the kit builds."""
    return core


@consumer_router.on(PingSent, name="qacons-ping")
async def apply_ping(event: PingSent, ctx: HandlerContext[ServiceCore]) -> None:
    """Record the ping's effect (or fail, when the plan says so)."""
    PLAN.attempts[event.label].add(ctx.attempt)
    ctx.session.add(Effect(event_id=ctx.envelope.id, n=event.n, label=event.label))
    await ctx.session.flush()  # the effect is really written before a planned failure rolls it back
    if event.label.startswith("echo"):
        ctx.emit(PingEchoed(n=event.n))  # into qacons' outbox, in the handler's transaction
    planned = PLAN.fail_first[event.label]
    if planned < 0 or ctx.attempt <= planned:
        raise RuntimeError(f"planned failure for {event.label} (delivery {ctx.attempt})")


PRODUCER = ServiceDefinition(name="qaprod", title="QA producer", bootstrap=core_as_deps, api=APIRouter(),
                             handlers=EventRouter[ServiceCore]("qaprod"),
                             metadata=_ProdBase.metadata, tables=PROD_TABLES, migrations=None, produces=[PingSent])
CONSUMER = ServiceDefinition(name="qacons", title="QA consumer", bootstrap=core_as_deps, api=APIRouter(),
                             handlers=consumer_router,
                             metadata=_ConsBase.metadata, tables=CONS_TABLES, migrations=None,
                             produces=[PingEchoed])


async def effect_count(runtime: object, label: str | None = None) -> int:
    async with runtime.uow.read() as session:  # type: ignore[attr-defined]
        query = select(func.count()).select_from(Effect)
        if label is not None:
            query = query.where(Effect.label == label)
        return int(await session.scalar(query) or 0)
