"""The system dashboard's use cases: look at every service and the messaging between them, and
replay a dead letter.

`SystemMonitor` is built once per console process: it keeps each service's last request counters,
since a rate needs two scrapes (the figures of the next look cover what happened in between).
A replay is forwarded to the dead letter's producer, the one allowed to republish its events.
A look costs every service a /readyz and a /metrics (a few tens of milliseconds each in all-in-one
mode, where they share the process): looks asked for while one is under way share its answer, as
when every open page refreshes on the same live update.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from nats.js import JetStreamContext

from kit.errors import Conflict, NotFound, Unavailable
from kit.messaging.dlq import DeadLetter, DeadLetters
from kit.messaging.subjects import Naming
from kit.web.auth import Principal, issue_token
from services.console.system import clients
from services.console.system.domain.health import overall
from services.console.system.domain.messaging import envelope_trace_id, trace_link
from services.console.system.domain.traffic import Baseline, traffic
from services.console.system.schemas import (
    ConsumerRead,
    DeadLetterRead,
    HealthRead,
    OutboxRead,
    ServiceRead,
    SystemRead,
    TrafficRead,
)

TIMEOUT_S = 2.0  # per probe and scrape: a service slower than this to answer its /readyz is not well
MIN_WINDOW_S = 5.0  # the shortest stretch a rate is measured over
DEAD_LETTERS_SHOWN = 100
NOT_CONNECTED = "NATS not connected yet"
REPLAY_TIMEOUT_S = 15.0  # the producer's republish waits for its PubAck (JetStream's own timeout is 5 s)
REPLAY_TOKEN_TTL = timedelta(minutes=1)  # the operator's, for the one forwarded request


class SystemMonitor:
    def __init__(self, *, targets: dict[str, str], naming: Naming,
                 jetstream: Callable[[], JetStreamContext | None], dead_letters: Callable[[], DeadLetters | None],
                 trace_url: str | None, secret_key: str, min_window_s: float = MIN_WINDOW_S,
                 timeout_s: float = TIMEOUT_S) -> None:
        self.targets = targets
        self.secret_key = secret_key  # to forward an operator's replay to the producer, as that operator
        self.naming = naming
        self.jetstream = jetstream
        self.dead_letters = dead_letters
        self.trace_url = trace_url
        self.timeout_s = timeout_s
        self._baselines = {service: Baseline(min_window_s) for service in targets}
        self._looking: asyncio.Task[SystemRead] | None = None

    async def overview(self) -> SystemRead:
        """Every service's health, outbox and traffic, every consumer, and the dead letters, read at once."""
        if self._looking is None or self._looking.done():
            self._looking = asyncio.create_task(self._look())
        return await asyncio.shield(self._looking)  # a caller that goes away does not cancel the others' look

    async def _look(self) -> SystemRead:
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            services, (consumers, consumers_error), (letters, total, letters_error) = await asyncio.gather(
                asyncio.gather(*(self._service(client, name, base) for name, base in self.targets.items())),
                self._consumers(), self._dead_letters())
        return SystemRead(
            at=datetime.now(UTC), health=overall(s.health.state for s in services), services=list(services),
            consumers=consumers, consumers_error=consumers_error, dead_letters=letters,
            dead_letters_total=total, dead_letters_error=letters_error)

    async def replay(self, entry_id: int, who: Principal) -> DeadLetterRead:
        """Have the event's producer publish a dead letter again on its subject (only the producer may:
        kit/web/dead_letters.py); it leaves the dead-letter stream. `who`, the operator, is the one the
        producer sees asking."""
        dlq = self.dead_letters()
        if dlq is None:
            raise NotFound(ja="まだ起動中です。", en="Still starting.")
        entry = await dlq.get(entry_id)
        if entry is None:
            raise NotFound(ja="その項目はありません。", en="No such dead letter.")
        owner = self.naming.producer_of(entry.subject)
        base = self.targets.get(owner or "")
        if owner is None or base is None:
            publisher = owner or entry.subject
            raise Conflict(ja=f"この出来事を発行したサービス（{publisher}）がコンソールの接続先にありません。",
                           en=f"The service that published this event ({publisher}) is not one of the console's "
                              "targets.", owner=owner)
        token = issue_token(who, self.secret_key, ttl=REPLAY_TOKEN_TTL)
        try:
            async with httpx.AsyncClient(timeout=REPLAY_TIMEOUT_S) as client:
                answer = await client.post(f"{base}/ops/dlq/{entry_id}/replay",
                                           headers={"authorization": f"Bearer {token}"})
        except clients.UNREAD as exc:
            raise Unavailable(ja=f"{owner} サービスに接続できませんでした。しばらくしてから再度お試しください。",
                              en=f"The {owner} service could not be reached; try again later.") from exc
        if answer.status_code == 404:
            raise NotFound(ja="その項目はありません。", en="No such dead letter.")
        if answer.status_code != 200:
            raise Unavailable(ja=f"{owner} サービスが再送できませんでした（{answer.status_code}）。",
                              en=f"The {owner} service could not replay it ({answer.status_code}).")
        self._looking = None  # a look under way may have read it still there: the next one starts afresh
        return self._dead_letter(entry)

    async def _service(self, client: httpx.AsyncClient, service: str, base: str) -> ServiceRead:
        health, scraped = await asyncio.gather(clients.readiness(client, base),
                                               self._scrape(client, service, base))
        outbox = seen = None
        if isinstance(scraped, clients.Scrape):
            outbox = OutboxRead(backlog=int(scraped.outbox_backlog), oldest_age_s=scraped.outbox_oldest_age_s)
            seen = TrafficRead.model_validate(traffic(scraped.counts, self._baselines[service].against(scraped.counts)))
        return ServiceRead(service=service, target=base, health=HealthRead.model_validate(health),
                           outbox=outbox, traffic=seen, metrics_error=scraped if isinstance(scraped, str) else None)

    @staticmethod
    async def _scrape(client: httpx.AsyncClient, service: str, base: str) -> clients.Scrape | str:
        """The service's figures, or why they could not be read."""
        try:
            return await clients.scrape(client, base, service, time.monotonic())
        except (*clients.UNREAD, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"

    async def _consumers(self) -> tuple[list[ConsumerRead], str | None]:
        js = self.jetstream()
        if js is None:
            return [], NOT_CONNECTED
        try:
            return await clients.consumers(js, self.naming), None
        except Exception as exc:  # noqa: BLE001 - a dashboard shows what it could not read, and the rest
            return [], f"{type(exc).__name__}: {exc}"

    async def _dead_letters(self) -> tuple[list[DeadLetterRead], int, str | None]:
        dlq = self.dead_letters()
        if dlq is None:
            return [], 0, NOT_CONNECTED
        try:
            entries, total = await asyncio.gather(dlq.list(DEAD_LETTERS_SHOWN), dlq.count())
        except Exception as exc:  # noqa: BLE001 - as above
            return [], 0, f"{type(exc).__name__}: {exc}"
        return [self._dead_letter(entry) for entry in entries], total, None

    def _dead_letter(self, entry: DeadLetter) -> DeadLetterRead:
        trace = envelope_trace_id(entry.data)
        return DeadLetterRead(id=entry.seq, consumer=entry.consumer, subject=entry.subject, event_id=entry.event_id,
                              error=entry.error, deliveries=entry.deliveries, at=entry.at, trace_id=trace,
                              trace_url=trace_link(self.trace_url, trace))
