"""What a service declares about itself; the runtime turns it into a running service.

Each service module exposes one `SERVICE = ServiceDefinition(...)`: its HTTP routers, its
event handler registry, its tables and migrations, the contracts it produces, and its
composition root, `bootstrap`, which builds the service's typed dependencies once at start
(cosmicpython's bootstrap). Handlers receive them as `ctx.deps`, routes through
`kit.web.deps.dependency`, and hooks, workers and the demo seed as their argument.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from fastapi import APIRouter
from nats.js import JetStreamContext
from sqlalchemy import MetaData

from kit.config import Settings
from kit.contracts.base import EventContract
from kit.db.engine import Database
from kit.messaging.dlq import DeadLetters
from kit.messaging.handlers import EventRouter
from kit.messaging.tables import MessagingTables
from kit.messaging.unit_of_work import UnitOfWorkFactory

D = TypeVar("D")


def _not_connected() -> None:
    return None


@dataclass(frozen=True)
class ServiceCore:
    """What the kit builds for every service and hands to its composition root. `jetstream` and
    `dead_letters` answer once the broker is connected (None before): for a service that watches
    the streams themselves, as the console does."""

    name: str
    settings: Settings
    db: Database
    uow: UnitOfWorkFactory
    jetstream: Callable[[], JetStreamContext | None] = _not_connected
    dead_letters: Callable[[], DeadLetters | None] = _not_connected


class BackgroundWork(Protocol):
    """A worker the runtime starts after the broker and stops before it (`kit.worker.Worker`)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


Hook = Callable[[D], Awaitable[None]]


@dataclass
class ServiceDefinition(Generic[D]):
    name: str
    title: str
    bootstrap: Callable[[ServiceCore], D]
    api: APIRouter
    handlers: EventRouter[D]
    metadata: MetaData
    tables: MessagingTables
    migrations: Path | None  # None: tables made by create_all (throwaway test services only)
    produces: list[type[EventContract]] = field(default_factory=list)
    pages: APIRouter | None = None
    workers: Callable[[D], Sequence[BackgroundWork]] = lambda deps: ()
    on_start: list[Hook[D]] = field(default_factory=list)
    on_stop: list[Hook[D]] = field(default_factory=list)
    seed: Hook[D] | None = None
