"""Which JetStream streams and consumers are this deployment's (its namespace's), and the trace a dead
letter travelled in. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable

from kit.messaging.subjects import Naming


def own_stream(naming: Naming, name: str, subjects: Iterable[str]) -> bool:
    """Whether the stream `name` is one this namespace's topology made (`<producer>.>` under the
    namespace, named after its producer); another copy's streams on the same NATS are not."""
    prefix = f"{naming.namespace}." if naming.namespace else ""
    for subject in subjects:
        if not (subject.endswith(".>") and subject.startswith(prefix)):
            continue
        producer = subject[len(prefix):-2]
        if producer and "." not in producer and naming.stream(producer) == name:
            return True
    return False


def consumer_name(naming: Naming, durable: str) -> str:
    """The subscription's name (`notify-member-approved`) of its durable, the namespace taken off."""
    prefix = f"{naming.namespace}_" if naming.namespace else ""
    return durable[len(prefix):] if prefix and durable.startswith(prefix) else durable


def service_of(description: str | None) -> str:
    """The consuming service, which the topology writes first in a durable's description
    (`notify: ...`); empty when it is not there."""
    head, colon, _ = (description or "").partition(":")
    return head.strip() if colon else ""


def trace_id(traceparent: str | None) -> str | None:
    """The W3C trace id of `00-<trace id>-<span id>-<flags>`."""
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


def envelope_trace_id(data: bytes) -> str | None:
    """The trace id in a message's envelope (its `traceparent`); None for a message that is not one."""
    try:
        envelope = json.loads(data)
    except ValueError:
        return None
    traceparent = envelope.get("traceparent") if isinstance(envelope, dict) else None
    return trace_id(traceparent) if isinstance(traceparent, str) else None


def trace_link(trace_url: str | None, trace: str | None) -> str | None:
    """The trace viewer's page of `trace` (`trace_url` with `{trace_id}`), when both are known."""
    return trace_url.replace("{trace_id}", trace) if trace_url and trace else None
