"""What the system dashboard reads over the network: each service's `/readyz` and `/metrics`, and
JetStream's consumer info. Parsing and the figures' rules are elsewhere (`domain/`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import httpx
from nats.js import JetStreamContext
from prometheus_client.parser import text_string_to_metric_families

from kit.messaging.subjects import Naming
from services.console.system.domain.health import Health, from_readyz, unreachable
from services.console.system.domain.messaging import consumer_name, own_stream, service_of
from services.console.system.domain.traffic import Counts
from services.console.system.schemas import ConsumerRead

T = TypeVar("T")
LIST_PAGE = 256  # JetStream's page of a stream or consumer listing
# The families read here. In all-in-one mode every service's /metrics is the whole process's registry
# (every consumer's histograms among it): only these lines are parsed, not five times all of it.
_FAMILIES = ("kakawari_outbox_backlog", "kakawari_outbox_oldest_age_seconds", "kakawari_http_request")
_COMMENTS = ("# HELP ", "# TYPE ")
# A service that could not be read: no answer, an error status, or a target that is no URL (a typo in
# KAKAWARI_CONSOLE_TARGETS); the page says so for that service and shows the rest.
UNREAD = (httpx.HTTPError, httpx.InvalidURL)


@dataclass(frozen=True, slots=True)
class Scrape:
    """One service's figures from its /metrics."""

    outbox_backlog: float
    outbox_oldest_age_s: float
    counts: Counts


async def readiness(client: httpx.AsyncClient, base: str) -> Health:
    try:
        response = await client.get(f"{base}/readyz")
    except UNREAD as exc:
        return unreachable(exc)
    try:
        report = response.json()
    except ValueError:
        report = None
    return from_readyz(response.status_code, report if isinstance(report, dict) else None)


async def scrape(client: httpx.AsyncClient, base: str, service: str, at: float) -> Scrape:
    """`service`'s figures (its `service` label) from the /metrics at `base`; one of UNREAD if unread,
    ValueError if what it read is not the text format."""
    response = await client.get(f"{base}/metrics")
    response.raise_for_status()
    return parse(response.text, service, at)


def parse(text: str, service: str, at: float) -> Scrape:
    wanted = "\n".join(line for line in text.splitlines()
                       if (line[7:] if line.startswith(_COMMENTS) else line).startswith(_FAMILIES))
    backlog = oldest = 0.0
    by_class: dict[str, float] = {}
    buckets: list[tuple[float, float]] = []
    for family in text_string_to_metric_families(wanted + "\n"):
        for sample in family.samples:
            labels = sample.labels
            if labels.get("service") != service:
                continue
            if sample.name == "kakawari_outbox_backlog":
                backlog = sample.value
            elif sample.name == "kakawari_outbox_oldest_age_seconds":
                oldest = sample.value
            elif sample.name == "kakawari_http_requests_total":
                by_class[labels["status_class"]] = sample.value
            elif sample.name == "kakawari_http_request_seconds_bucket":
                buckets.append((float(labels["le"]), sample.value))
    return Scrape(backlog, oldest, Counts(at=at, by_class=by_class, buckets=sorted(buckets)))


async def _paged(fetch: Callable[[int], Awaitable[list[T]]]) -> list[T]:
    """Every entry of a JetStream listing, a page at a time."""
    found: list[T] = []
    while True:
        page = await fetch(len(found))
        found.extend(page)
        if len(page) < LIST_PAGE:
            return found


async def consumers(js: JetStreamContext, naming: Naming) -> list[ConsumerRead]:
    """Every durable consumer on this namespace's streams, by service and name: whichever process
    runs which service, JetStream knows them all."""
    streams = [info.config.name for info in await _paged(js.streams_info)
               if info.config.name and own_stream(naming, info.config.name, info.config.subjects or ())]
    listings = await asyncio.gather(*(_paged(partial(js.consumers_info, stream)) for stream in streams))
    found = [
        ConsumerRead(
            service=service_of(info.config.description), consumer=consumer_name(naming, info.name),
            stream=info.stream_name, pending=info.num_pending or 0, ack_pending=info.num_ack_pending or 0,
            redelivered=info.num_redelivered or 0,
            last_active=max((seq.last_active for seq in (info.delivered, info.ack_floor)
                             if seq is not None and seq.last_active is not None), default=None),
        )
        for listing in listings for info in listing
    ]
    return sorted(found, key=lambda c: (c.service, c.consumer))
