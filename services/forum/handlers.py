"""forum's subscriptions: none yet."""

from __future__ import annotations

from kit.messaging.handlers import EventRouter
from services.forum.bootstrap import ForumDeps

router: EventRouter[ForumDeps] = EventRouter("forum")
