"""forum's subscriptions: none yet."""

from __future__ import annotations

from kit.messaging.handlers import EventRouter

router = EventRouter("forum")
