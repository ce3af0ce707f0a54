"""console's composition root: its dependencies, built once at start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nats.js import JetStreamContext

from kit.messaging.dlq import DeadLetters
from kit.messaging.subjects import Naming
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore
from kit.web.sessions import SessionCodec
from services.console.live import Live
from services.console.system.service import SystemMonitor


@dataclass(frozen=True)
class ConsoleDeps:
    uow: UnitOfWorkFactory
    sessions: SessionCodec  # the platform's signed session cookie, for the pages
    naming: Naming  # streams and durables of this deployment
    jetstream: Callable[[], JetStreamContext | None]  # None until connected
    dead_letters: Callable[[], DeadLetters | None]
    targets: dict[str, str]  # every service's base URL, for its /readyz and /metrics
    trace_url: str | None  # a trace viewer's address with {trace_id}
    system: SystemMonitor  # the one monitor: each look compares with the one before it
    live: Live = field(default_factory=Live)


def bootstrap(core: ServiceCore) -> ConsoleDeps:
    settings = core.settings
    naming = Naming(settings.namespace)
    targets = {name: settings.target_for(name) for name in settings.services}
    return ConsoleDeps(
        uow=core.uow, sessions=SessionCodec(secret=settings.secret_key, secure=settings.production),
        naming=naming, jetstream=core.jetstream, dead_letters=core.dead_letters, targets=targets,
        trace_url=settings.trace_url,
        system=SystemMonitor(targets=targets, naming=naming, jetstream=core.jetstream,
                             dead_letters=core.dead_letters, trace_url=settings.trace_url,
                             secret_key=settings.secret_key))
