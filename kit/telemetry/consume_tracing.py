"""The FastStream middleware that carries a message's trace into the consumer.

It makes the trace context the relay injected into the headers current while
FastStream hands the delivery over, so the handler's span (opened by the inbox
applier when the handler really runs, inside its transaction) continues the
producer's trace: HTTP → outbox → NATS → handler stays one trace.

One CONSUMER span per delivery, the applier's, and none here: a span for the
hand-over alone would measure a queue append. Why not FastStream's stock
`NatsTelemetryMiddleware`: besides such a span it opens baggage and context
scopes and records OpenTelemetry metric histograms for every message; measured
in `make bench` on this machine it was the largest single cost of the consume
path (about 80 µs a message, a quarter of throughput at ten events per
transaction), and the kit already counts deliveries by outcome in Prometheus.
"""

from __future__ import annotations

from typing import Any

from faststream import BaseMiddleware
from faststream.message import StreamMessage
from opentelemetry import context as otel_context

from kit.telemetry.tracing import MESSAGE_PROPAGATOR


class ConsumeTracing(BaseMiddleware):
    """Pass the class itself as a broker middleware: FastStream makes one per message."""

    async def consume_scope(self, call_next: Any, msg: StreamMessage[Any]) -> Any:
        token = otel_context.attach(MESSAGE_PROPAGATOR.extract(msg.headers))
        try:
            return await call_next(msg)
        finally:
            otel_context.detach(token)
