"""The envelope every event travels in, on the wire and in the outbox."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field

from kit.contracts.base import EventContract
from kit.telemetry.tracing import MESSAGE_PROPAGATOR

C = TypeVar("C", bound=EventContract)


def new_event_id() -> UUID:
    """A UUIDv7: time-ordered, so outbox scans and DLQ listings sort by age."""
    return UUID(bytes=uuid_utils.uuid7().bytes)


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: UUID = Field(default_factory=new_event_id)
    type: str
    version: int
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    traceparent: str | None = None
    tracestate: str | None = None
    payload: dict[str, Any]

    @property
    def versioned_type(self) -> str:
        return f"{self.type}.v{self.version}"

    @classmethod
    def wrap(cls, event: EventContract, *, producer: str) -> Envelope:
        """Wrap a contract, capturing the current trace so the consumer continues it."""
        carrier: dict[str, str] = {}
        MESSAGE_PROPAGATOR.inject(carrier)  # W3C fields, whatever OTEL_PROPAGATORS says for HTTP
        return cls(
            type=event.event_type,
            version=event.event_version,
            producer=producer,
            traceparent=carrier.get("traceparent"),
            tracestate=carrier.get("tracestate"),
            payload=event.model_dump(mode="json"),
        )

    def open(self, contract: builtins.type[C]) -> C:
        return contract.model_validate(self.payload)
