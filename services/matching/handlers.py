"""matching's subscriptions: none yet."""

from __future__ import annotations

from kit.messaging.handlers import EventRouter
from services.matching.bootstrap import MatchingDeps

router: EventRouter[MatchingDeps] = EventRouter("matching")
