"""registry's subscriptions: it reacts to no other service's events yet."""

from __future__ import annotations

from kit.messaging.handlers import EventRouter

router = EventRouter("registry")
