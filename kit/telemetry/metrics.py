"""Prometheus metrics shared by every service; each carries a `service` label."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

WORK_DONE = Counter("kakawari_worker_done_total", "Background work items done", ["service", "worker"])
WORK_FAILURES = Counter(
    "kakawari_worker_failures_total", "Failed tries of background work items (each is logged)", ["service", "worker"]
)
WORK_GIVEN_UP = Counter(
    "kakawari_worker_given_up_total", "Background work items marked failed after their last try", ["service", "worker"]
)
MESSAGING_PRUNED = Counter(
    "kakawari_messaging_pruned_total", "Outbox and inbox rows deleted once past their retention", ["service", "table"]
)
OUTBOX_BACKLOG = Gauge("kakawari_outbox_backlog", "Events waiting in the outbox", ["service"])
OUTBOX_OLDEST_AGE = Gauge("kakawari_outbox_oldest_age_seconds", "Age of the oldest pending event", ["service"])
EVENTS_HANDLED = Counter(
    "kakawari_events_handled_total", "Events consumed, by outcome", ["service", "consumer", "outcome"]
)
HANDLER_SECONDS = Histogram(
    "kakawari_event_handler_seconds", "Time to apply one event batch", ["service", "consumer"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
CONSUMER_LAG = Gauge(
    "kakawari_consumer_lag", "Messages not yet delivered to a durable consumer", ["service", "consumer"]
)
CONSUMER_UNACKED = Gauge("kakawari_consumer_ack_pending", "Delivered but unacknowledged", ["service", "consumer"])
DLQ_MESSAGES = Gauge("kakawari_dlq_messages", "Messages waiting in the dead-letter stream", ["service"])
DEAD_LETTERED = Counter(
    "kakawari_dead_lettered_total", "Messages sent to the dead-letter stream", ["service", "consumer"]
)
SQLITE_WAL_BYTES = Gauge(
    "kakawari_sqlite_wal_bytes", "Size of the SQLite write-ahead log, kept bounded by background checkpoints",
    ["service"],
)
EVENT_LOOP_LAG = Histogram(
    "kakawari_event_loop_lag_seconds", "How late the process's event loop woke from a timed sleep",
    buckets=(0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0),
)
READY = Gauge("kakawari_ready", "1 when the service can serve: started, and its database answers", ["service"])
NATS_CONNECTED = Gauge(
    "kakawari_nats_connected",
    "1 when the service is connected to NATS and bound to its streams; 0 is degraded: writes wait in the outbox",
    ["service"],
)
# Every request to a service (probes and scrapes aside), recorded by the host's HTTP stack (kit.web.http_stack).
HTTP_STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
HTTP_REQUESTS = Counter(
    "kakawari_http_requests_total", "HTTP requests answered, by status class (1xx … 5xx)", ["service", "status_class"]
)
HTTP_REQUEST_SECONDS = Histogram(
    "kakawari_http_request_seconds", "Time from a request's arrival to the start of its response", ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def render() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
