"""Tracing setup: one global provider, OTLP export when configured.

Tests install an in-memory exporter through `install_provider()` before the
services start, and assert on the finished spans.
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_provider: TracerProvider | None = None

# The trace context on the wire between the relay and consumers: W3C `traceparent` in the NATS
# headers, whatever OTEL_PROPAGATORS configures for HTTP, so every service reads what every relay wrote.
MESSAGE_PROPAGATOR = TraceContextTextMapPropagator()


def install_provider(service_name: str = "kakawari", processors: list[SpanProcessor] | None = None) -> TracerProvider:
    """Install the global tracer provider once; later calls return it and add processors."""
    global _provider
    if _provider is None:
        name = os.getenv("OTEL_SERVICE_NAME", service_name)
        _provider = TracerProvider(resource=Resource.create({"service.name": name}))
        endpoint = os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
        if endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")))
        trace.set_tracer_provider(_provider)
    for processor in processors or []:
        _provider.add_span_processor(processor)
    return _provider
