"""forum's subscriptions: every event it reacts to, in one place. forum keeps its own copy of
the registry's members (name, kind, status), so signups and booths can name and check them
without reading another service's database."""

from __future__ import annotations

from kit.members import keep_members
from kit.messaging.handlers import EventRouter
from services.forum.bootstrap import ForumDeps
from services.forum.models import Member

router: EventRouter[ForumDeps] = EventRouter("forum")
keep_members(router, Member)  # registry.member.approved/updated/suspended/withdrawn.v1 → the copy
