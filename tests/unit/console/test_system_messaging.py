"""The system dashboard's view of JetStream: this namespace's streams and consumers only, and the trace
a dead letter's envelope travelled in; and what it reads of a service's /metrics."""

from __future__ import annotations

import json
import math

from kit.messaging.subjects import Naming
from kit.messaging.topology import Topology
from services.console.system.clients import parse
from services.console.system.domain.messaging import (
    consumer_name,
    envelope_trace_id,
    own_stream,
    service_of,
    trace_id,
    trace_link,
)

TRACE = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE}-b7ad6b7169203331-01"


def test_a_namespace_owns_the_streams_its_topology_makes() -> None:
    for namespace in ("", "t1234"):
        naming = Naming(namespace)
        topology = Topology(naming)
        for config in (topology.stream("registry"), topology.dlq()):
            assert config.name and own_stream(naming, config.name, config.subjects or [])


def test_another_copys_streams_are_not_ours() -> None:
    assert not own_stream(Naming(""), "T1234_REGISTRY", ["t1234.registry.>"])
    assert not own_stream(Naming("t1234"), "REGISTRY", ["registry.>"])
    assert not own_stream(Naming("t1234"), "T9999_REGISTRY", ["t9999.registry.>"])
    assert not own_stream(Naming(""), "ORDERS", ["orders.created"])


def test_a_consumer_is_named_by_its_subscription_and_service() -> None:
    assert consumer_name(Naming("t1234"), "t1234_notify-member-approved") == "notify-member-approved"
    assert consumer_name(Naming(""), "notify-member-approved") == "notify-member-approved"
    assert service_of("notify: tell the member they were approved") == "notify"
    assert service_of(None) == "" and service_of("no service here") == ""


def test_a_dead_letters_trace_is_its_envelopes_traceparent() -> None:
    assert trace_id(TRACEPARENT) == TRACE
    assert trace_id("garbage") is None and trace_id(None) is None
    assert envelope_trace_id(json.dumps({"type": "x", "traceparent": TRACEPARENT}).encode()) == TRACE
    assert envelope_trace_id(json.dumps({"type": "x", "traceparent": None}).encode()) is None
    assert envelope_trace_id(b"\xff not json") is None
    assert envelope_trace_id(b"[1, 2]") is None


def test_a_trace_links_to_the_viewer_when_one_is_configured() -> None:
    assert trace_link("https://jaeger.example/trace/{trace_id}", TRACE) == f"https://jaeger.example/trace/{TRACE}"
    assert trace_link(None, TRACE) is None and trace_link("https://jaeger.example/{trace_id}", None) is None


METRICS = """\
# HELP kakawari_outbox_backlog Events waiting in the outbox
# TYPE kakawari_outbox_backlog gauge
kakawari_outbox_backlog{service="registry"} 3.0
kakawari_outbox_backlog{service="forum"} 7.0
# HELP kakawari_outbox_oldest_age_seconds Age of the oldest pending event
# TYPE kakawari_outbox_oldest_age_seconds gauge
kakawari_outbox_oldest_age_seconds{service="registry"} 1.5
# HELP kakawari_consumer_lag Messages not yet delivered to a durable consumer
# TYPE kakawari_consumer_lag gauge
kakawari_consumer_lag{consumer="x",service="registry"} 9.0
# HELP kakawari_http_requests_total HTTP requests answered, by status class
# TYPE kakawari_http_requests_total counter
kakawari_http_requests_total{service="registry",status_class="2xx"} 10.0
kakawari_http_requests_total{service="registry",status_class="5xx"} 2.0
kakawari_http_requests_total{service="forum",status_class="2xx"} 99.0
# HELP kakawari_http_request_seconds Time to the start of a response
# TYPE kakawari_http_request_seconds histogram
kakawari_http_request_seconds_bucket{le="0.1",service="registry"} 11.0
kakawari_http_request_seconds_bucket{le="+Inf",service="registry"} 12.0
kakawari_http_request_seconds_bucket{le="0.01",service="registry"} 4.0
kakawari_http_request_seconds_count{service="registry"} 12.0
kakawari_http_request_seconds_sum{service="registry"} 0.9
"""


def test_a_scrape_reads_one_services_figures_of_the_whole_process() -> None:
    scrape = parse(METRICS, "registry", at=42.0)
    assert (scrape.outbox_backlog, scrape.outbox_oldest_age_s) == (3.0, 1.5)
    assert scrape.counts.at == 42.0 and dict(scrape.counts.by_class) == {"2xx": 10.0, "5xx": 2.0}
    assert list(scrape.counts.buckets) == [(0.01, 4.0), (0.1, 11.0), (math.inf, 12.0)]
    quiet = parse(METRICS, "matching", at=1.0)
    assert quiet.outbox_backlog == 0.0 and not quiet.counts.by_class and not quiet.counts.buckets
