"""The two services the events benchmark runs: one emits through its outbox, the other
applies each event through its idempotent consumer and writes an effect row, as a
real handler would. Latency is taken at the consumer's commit."""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

from fastapi import APIRouter
from sqlalchemy.orm import Mapped, mapped_column

from kit.contracts.base import EventContract
from kit.db.types import ServiceBase, service_metadata
from kit.messaging.handlers import EventRouter, HandlerContext
from kit.messaging.tables import messaging_tables
from kit.service import ServiceCore, ServiceDefinition


class ProbeSent(EventContract):
    event_type = "benchsrc.probe.sent"
    description = "Benchmark event; sent_at is time.time() at the producer."
    seq: int
    sent_at: float


class _SrcBase(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


class _DstBase(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


class ProbeEffect(_DstBase):
    __tablename__ = "probe_effects"
    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    seq: Mapped[int]


latencies_ms: list[float] = []
handled_hooks: list[Callable[[], None]] = []  # the benchmark's flow control hooks in here
sink: EventRouter[ServiceCore] = EventRouter("benchdst")


def _handled(sent_at: float) -> None:
    latencies_ms.append((time.time() - sent_at) * 1000)
    for hook in handled_hooks:
        hook()


@sink.on(ProbeSent, name="benchdst-probe")
async def apply_probe(event: ProbeSent, ctx: HandlerContext[ServiceCore]) -> None:
    """Write the effect; note the end-to-end latency once it is committed."""
    ctx.session.add(ProbeEffect(event_id=ctx.envelope.id, seq=event.seq))
    ctx.after_commit(lambda: _handled(event.sent_at))


def _core(core: ServiceCore) -> ServiceCore:
    return core


SOURCE = ServiceDefinition(name="benchsrc", title="bench source", bootstrap=_core, api=APIRouter(),
                           handlers=EventRouter[ServiceCore]("benchsrc"),
                           metadata=_SrcBase.metadata, tables=messaging_tables(_SrcBase.metadata), migrations=None,
                           produces=[ProbeSent])
DESTINATION = ServiceDefinition(name="benchdst", title="bench destination", bootstrap=_core, api=APIRouter(),
                                handlers=sink,
                                metadata=_DstBase.metadata, tables=messaging_tables(_DstBase.metadata),
                                migrations=None)
