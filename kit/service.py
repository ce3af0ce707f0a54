"""What a service declares about itself; the runtime turns it into a running service.

Each service module exposes one `SERVICE = ServiceDefinition(...)`: its HTTP
routers, its event handler registry, its tables and migrations, the contracts it
produces, and hooks for start, stop and demo data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter
from sqlalchemy import MetaData

from kit.contracts.base import EventContract
from kit.messaging.handlers import EventRouter
from kit.messaging.tables import MessagingTables

if TYPE_CHECKING:
    from kit.runtime import ServiceRuntime

Hook = Callable[["ServiceRuntime"], Awaitable[None]]


@dataclass
class ServiceDefinition:
    name: str
    title: str
    api: APIRouter
    handlers: EventRouter
    metadata: MetaData
    tables: MessagingTables
    migrations: Path | None  # None: tables made by create_all (throwaway test services only)
    produces: list[type[EventContract]] = field(default_factory=list)
    pages: APIRouter | None = None
    on_start: list[Hook] = field(default_factory=list)
    on_stop: list[Hook] = field(default_factory=list)
    seed: Hook | None = None
