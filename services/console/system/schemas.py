"""The system dashboard's API shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.console.system.domain.health import Overall, State


class HealthRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    state: State = Field(description="ready | degraded (serving without NATS: events wait in the outbox) | "
                                     "not_ready (its /readyz says what is down) | unreachable")
    reason: str | None = Field(None, description="What is down, or why the service did not answer.")


class OutboxRead(BaseModel):
    backlog: int = Field(description="Events waiting in the service's outbox.")
    oldest_age_s: float = Field(description="How long the oldest of them has waited, in seconds.")


class TrafficRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    requests: int = Field(description="Requests answered since the service's process started.")
    window_s: float | None = Field(
        description="The seconds the figures below cover (since the last look); null: since the process started.")
    rate_per_s: float | None = Field(description="Requests per second in the window.")
    error_share: float | None = Field(description="The share of 5xx answers in the window (0–1).")
    p50_s: float | None = Field(description="Median time to answer, in seconds.")
    p95_s: float | None = Field(description="95th percentile time to answer, in seconds.")


class ServiceRead(BaseModel):
    service: str
    target: str = Field(description="The base URL its /readyz and /metrics were read from.")
    health: HealthRead
    outbox: OutboxRead | None = Field(description="null when its metrics could not be read.")
    traffic: TrafficRead | None = Field(description="null when its metrics could not be read.")
    metrics_error: str | None = Field(None, description="Why its /metrics could not be read.")


class ConsumerRead(BaseModel):
    service: str = Field(description="The consuming service.")
    consumer: str = Field(description="The subscription (its durable, less the namespace).")
    stream: str
    pending: int = Field(description="Messages in the stream not yet delivered to it.")
    ack_pending: int = Field(description="Delivered, not yet acknowledged.")
    redelivered: int = Field(description="Delivered more than once and not yet acknowledged.")
    last_active: datetime | None = Field(description="Its last delivery or acknowledgement.")


class DeadLetterRead(BaseModel):
    id: int = Field(description="Its sequence in the dead-letter stream: what replay takes.")
    consumer: str
    subject: str
    event_id: str
    error: str
    deliveries: int
    at: datetime = Field(description="When it was dead-lettered.")
    trace_id: str | None = Field(description="The trace the event travelled in (its envelope's traceparent).")
    trace_url: str | None = Field(description="The trace in the trace viewer, when one is configured.")


class SystemRead(BaseModel):
    at: datetime = Field(description="When this was read.")
    health: Overall = Field(description="ready: every service is; down: none is; degraded in between.")
    services: list[ServiceRead]
    consumers: list[ConsumerRead]
    consumers_error: str | None = Field(None, description="Why JetStream's consumers could not be read.")
    dead_letters: list[DeadLetterRead] = Field(description="The oldest first, at most a hundred.")
    dead_letters_total: int
    dead_letters_error: str | None = Field(None, description="Why the dead-letter stream could not be read.")
