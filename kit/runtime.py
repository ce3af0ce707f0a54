"""One running service: its database, broker, relay, workers, consumers and web app.

The same runtime serves both deployment modes: all-in-one puts every service in one
process, per-service mode runs one. Events cross a real NATS either way.

Degraded, not down: a service needs its database to serve, not NATS. Writes commit their
events to the outbox whether NATS answers or not; the relay publishes them once it does, and
the consumers resume where their durables stopped. So a service starts without NATS (it
attaches in the background), rides out an outage (nats-py reconnects for as long as it
takes, and replays the subscriptions), and `/readyz` reports NATS as `degraded` meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any, Generic, TypeVar

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from faststream.nats import NatsBroker
from faststream.specification import AsyncAPI
from nats.aio.client import Client
from nats.js import JetStreamContext

from kit.config import Settings, redacted
from kit.db.engine import open_database
from kit.messaging.consumer import SubscriptionBinding, bind_subscription
from kit.messaging.dlq import DeadLetters
from kit.messaging.inbox import InboxApplier
from kit.messaging.outbox import OutboxWriter, PendingEvent
from kit.messaging.relay import outbox_backlog, outbox_relay
from kit.messaging.retention import MessagingRetention, Retention
from kit.messaging.subjects import Naming
from kit.messaging.topology import RetryPolicy, Topology
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import BackgroundWork, ServiceCore, ServiceDefinition
from kit.tasks import Loop
from kit.telemetry import metrics
from kit.telemetry.consume_tracing import ConsumeTracing
from kit.telemetry.http_tracing import FASTAPI_TELEMETRY_OFF
from kit.telemetry.sql_tracing import trace_statements
from kit.web.dead_letters import dead_letter_routes
from kit.web.health import health_routes, status
from kit.web.problems import install_problem_handlers
from kit.web.routing import include_flat
from kit.worker import Backoff, Worker

log = logging.getLogger(__name__)
D = TypeVar("D")

# How long a start waits for NATS before serving without it (it attaches when NATS answers).
NATS_START_WAIT_S = 3.0
# Attaching after the start (streams, DLQ, subscribers) is retried while NATS is not quite back.
ATTACH_BACKOFF = Backoff(base_s=0.5, factor=2.0, cap_s=10.0, max_attempts=None)


class ServiceRuntime(Generic[D]):
    def __init__(self, definition: ServiceDefinition[D], settings: Settings, nats_url: str) -> None:
        self.definition = definition
        self.name = definition.name
        self.settings = settings
        self.nats_url = nats_url
        self.db = open_database(settings.database_for(self.name), background_checkpoints=True)
        trace_statements(self.db.engine.sync_engine)
        self.naming = Naming(settings.namespace)
        self.topology = Topology(
            self.naming,
            retry=RetryPolicy(max_deliver=settings.max_deliver, backoff_s=settings.retry_backoff_s),
            replicas=3 if settings.production else 1,
        )
        self.outbox = OutboxWriter(producer=self.name, tables=definition.tables, naming=self.naming)
        self.uow = UnitOfWorkFactory(self.db, self.outbox, on_commit=self._hand_over_to_relay)
        self.core = ServiceCore(name=self.name, settings=settings, db=self.db, uow=self.uow,
                                jetstream=self._jetstream, dead_letters=self.dead_letters)
        self.deps: D = definition.bootstrap(self.core)  # the composition root, run once
        self.broker = NatsBroker(
            [u.strip() for u in nats_url.split(",")],
            name=f"kakawari-{self.name}",
            middlewares=[ConsumeTracing],
            graceful_timeout=5.0,
            # Reconnect for as long as an outage lasts (nats-py gives up after 60 tries by default,
            # which would leave the service without NATS for good), trying every second; pings
            # notice a silently lost connection within a minute rather than four.
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
            ping_interval=20,
            max_outstanding_pings=3,
            disconnected_cb=self._nats_disconnected,
            reconnected_cb=self._nats_reconnected,
            # Handlers take no injected arguments, and resolving FastStream's Context
            # parameters costs a thread hop per message; the binding reads the message itself.
            apply_types=False,
            logger=logging.getLogger("kakawari.broker"),
            log_level=logging.DEBUG,
        )
        self.applier = InboxApplier(
            service=self.name, db=self.db, tables=definition.tables, outbox=self.outbox, deps=self.deps,
            on_emit=self._hand_over_to_relay,
        )
        self.relay: Worker[PendingEvent] | None = None
        self.dlq: DeadLetters | None = None
        self.nats_start_wait_s = NATS_START_WAIT_S
        self._nc: Client | None = None
        self._attaching: asyncio.Task[None] | None = None
        self._attach_retries = False  # True once the start has stopped waiting for NATS
        self.workers: list[BackgroundWork] = list(definition.workers(self.deps))
        # Bound now, not at start, so the AsyncAPI document lists what the service consumes.
        self.bindings: list[SubscriptionBinding] = [
            bind_subscription(self.broker, sub=sub, topology=self.topology, applier=self.applier)
            for sub in definition.handlers.subscriptions
        ]
        self._declare_publishers()
        self._monitor = Loop(f"{self.name}-monitor", self._refresh_gauges)
        self.retention = MessagingRetention(
            service=self.name, db=self.db, tables=definition.tables,
            retention=Retention(outbox_days=settings.outbox_retention_days, inbox_days=settings.inbox_retention_days),
        )
        self._pruner = Loop(f"{self.name}-messaging-retention", self.retention.cycle)
        self.started = False
        self.app = self._build_app()

    # -- wiring ---------------------------------------------------------------------------
    def _hand_over_to_relay(self, rows: list[PendingEvent]) -> None:
        if self.relay is not None:
            self.relay.hand_over(rows)

    def _declare_publishers(self) -> None:
        """Publishers exist for the AsyncAPI document; the relay does the publishing."""
        for contract in self.definition.produces:
            self.broker.publisher(
                self.naming.subject(contract.versioned_type()),
                title=contract.versioned_type(),
                description=contract.description,
                schema=contract,
            )

    def asyncapi(self) -> dict[str, Any]:
        spec = AsyncAPI(self.broker, title=f"kakawari {self.name}", version="1.0.0",
                        description=self.definition.title)
        return spec.to_specification().to_jsonable()  # type: ignore[no-any-return]

    def dead_letters(self) -> DeadLetters | None:
        """The DLQ on this service's own NATS connection; None until connected."""
        return self.dlq

    def _jetstream(self) -> JetStreamContext | None:
        return self.js if self.dlq is not None else None  # the DLQ is set once the broker is connected

    @property
    def js(self) -> JetStreamContext:
        return self.broker.connection.jetstream()

    @property
    def nats_connected(self) -> bool:
        """Attached to NATS (relay, DLQ, subscribers bound) and connected right now."""
        return self.dlq is not None and self._nc is not None and self._nc.is_connected

    async def _nats_disconnected(self) -> None:
        if self.started:  # not the close at stop
            log.warning("nats.disconnected", extra={"service": self.name, "outbox": "keeps the events"})

    async def _nats_reconnected(self) -> None:
        log.info("nats.reconnected", extra={"service": self.name})

    def _build_app(self) -> FastAPI:
        app = FastAPI(title=f"kakawari {self.name}", description=self.definition.title, version="1.0.0",
                      telemetry=FASTAPI_TELEMETRY_OFF)
        app.state.deps = self.deps
        app.state.secret_key = self.settings.secret_key
        install_problem_handlers(app)
        include_flat(app, self.definition.api, prefix="/api/v1")
        if self.definition.pages is not None:
            include_flat(app, self.definition.pages)
        include_flat(app, health_routes(self.readiness, service=self.name))
        include_flat(app, dead_letter_routes({self.name: self.dead_letters}, naming=self.naming))
        # FastAPI put its own /openapi.json and /docs routes first; every request tried them
        # before the service's. They go last: their paths are their own, so nothing else changes.
        own = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
        app.router.routes.sort(key=lambda route: getattr(route, "path", None) in own)

        @app.get("/asyncapi.json", include_in_schema=False)
        async def asyncapi() -> JSONResponse:
            return JSONResponse(self.asyncapi())

        return app

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self, *, apply_topology: bool, producers: list[str]) -> None:
        self.db.start()
        for hook in self.definition.on_start:
            await hook(self.deps)
        self._attaching = asyncio.create_task(self._attach(apply_topology, producers), name=f"{self.name}-nats")
        done, _ = await asyncio.wait({self._attaching}, timeout=self.nats_start_wait_s)
        if done:
            self._attaching.result()  # NATS answered: a failure now (a topology that cannot apply) fails the start
        else:
            log.warning("nats.unreachable_at_start", extra={"service": self.name, "nats": redacted(self.nats_url)})
            self._attach_retries = True
        for worker in self.workers:
            worker.start()
        self._monitor.start()
        self._pruner.start()
        self.started = True

    async def _attach(self, apply_topology: bool, producers: list[str]) -> None:
        """Connect to NATS (nats-py tries until it answers), then bind what needs it. Every step
        may run again: streams and consumers are applied idempotently, a bound subscriber stays
        bound. Once the start has stopped waiting, a failed step is logged and retried."""
        failures = 0
        while True:
            try:
                self._nc = await self.broker.connect()
                js = self.js
                if apply_topology:
                    await self.topology.apply(js, producers, self.definition.handlers.subscriptions)
                dlq = DeadLetters(js, self.naming)
                for binding in self.bindings:
                    binding.dlq = dlq
                await self.broker.start()
                break
            except Exception:
                if not self._attach_retries:
                    raise
                failures += 1
                log.warning("nats.attach.failed", exc_info=True, extra={"service": self.name, "attempt": failures})
                await asyncio.sleep(ATTACH_BACKOFF.delay_s(failures))
        self.dlq = dlq
        self.relay = outbox_relay(service=self.name, db=self.db, tables=self.definition.tables, js=js)
        self.relay.start()  # its first round sweeps what was committed before it existed
        if self._attach_retries:
            log.info("nats.attached", extra={"service": self.name})

    async def stop(self) -> None:
        self.started = False
        if self._attaching is not None and not self._attaching.done():
            self._attaching.cancel()
            await asyncio.wait({self._attaching}, timeout=5)
        await self._pruner.stop()
        await self._monitor.stop()
        for worker in self.workers:
            await worker.stop()
        if self.relay:
            await self.relay.stop()
        # What is queued but not begun is left to JetStream to redeliver; the batch in its transaction
        # finishes and is acked. Bindings drain together: a stop waits for one batch, not one per binding.
        self.applier.abandon_queued()
        await asyncio.gather(*(binding.drain() for binding in self.bindings))
        with suppress(Exception):
            await asyncio.wait_for(self.broker.stop(), 8)
        if self._nc is not None and not self._nc.is_closed:  # drain needs NATS; in an outage, stop reconnecting
            with suppress(Exception):
                await self._nc.close()
        for hook in self.definition.on_stop:
            with suppress(Exception):
                await hook(self.deps)
        await self.db.dispose()

    async def readiness(self) -> dict[str, Any]:
        """Ready when started and the database answers: that is all a write needs. NATS away
        makes the service `degraded`, not unready: its events wait in the outbox."""
        db_ok = await self.db.ping()
        nats_ok = self.nats_connected
        ready = self.started and db_ok
        metrics.READY.labels(self.name).set(1 if ready else 0)
        metrics.NATS_CONNECTED.labels(self.name).set(1 if nats_ok else 0)
        return {"service": self.name, "ready": ready, "status": status(ready=ready, degraded=not nats_ok),
                "database": db_ok, "nats": nats_ok}

    async def _refresh_gauges(self) -> None:
        """Refresh the gauges that need a query, a look at disk or NATS: readiness (probed or not),
        outbox backlog, WAL size, consumer lag, DLQ size."""
        with suppress(Exception):
            await self.readiness()
            backlog, oldest = await outbox_backlog(self.db, self.definition.tables)
            metrics.OUTBOX_BACKLOG.labels(self.name).set(backlog)
            metrics.OUTBOX_OLDEST_AGE.labels(self.name).set(oldest)
            if self.db.checkpointer is not None:
                metrics.SQLITE_WAL_BYTES.labels(self.name).set(self.db.checkpointer.wal_bytes())
            if self.dlq is not None and self.nats_connected:  # while NATS is away, no request to wait out
                await self._refresh_nats_gauges(self.dlq)
        await self._monitor.idle(5)

    async def _refresh_nats_gauges(self, dlq: DeadLetters) -> None:
        js = self.js
        for sub in self.definition.handlers.subscriptions:
            info = await js.consumer_info(self.naming.stream(sub.contract.producer()), self.naming.durable(sub.name))
            metrics.CONSUMER_LAG.labels(self.name, sub.name).set(info.num_pending or 0)
            metrics.CONSUMER_UNACKED.labels(self.name, sub.name).set(info.num_ack_pending or 0)
        metrics.DLQ_MESSAGES.labels(self.name).set(await dlq.count())
