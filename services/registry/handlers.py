"""registry's subscriptions: it reacts to no other service's events yet."""

from __future__ import annotations

from kit.messaging.handlers import EventRouter
from services.registry.bootstrap import RegistryDeps

router: EventRouter[RegistryDeps] = EventRouter("registry")
