"""Demo data for `make up`: idempotent, so a second start changes nothing. The gatherings are
history, not news (see demo.py): bulk-inserted with no signup news, so nobody is mailed. The read
models still need them, so the same transaction tells them as facts: `forum.event.published` per
event and `forum.signup.imported` per signup, which only the console subscribes to."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from kit.contracts.forum import EventPublished
from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWork
from services.forum.bootstrap import ForumDeps
from services.forum.demo import Demo, build_demo
from services.forum.events.service import facts
from services.forum.models import Event, ProgrammeItem, Series, Signup
from services.forum.signups.domain.rules import SignupStatus
from services.forum.signups.service import imported


async def seed(deps: ForumDeps) -> None:
    async with deps.uow() as tx:
        if await tx.session.scalar(select(Event.id).limit(1)) is not None:
            return  # events exist: demo already seeded, or real data
        demo = build_demo(utcnow())
        await tx.session.execute(insert(Series), demo.series)
        await tx.session.execute(insert(Event), demo.events)
        await tx.session.execute(insert(ProgrammeItem), demo.programme)
        await tx.session.execute(insert(Signup), demo.signups)
        tell_read_models(tx, demo)
        await tx.commit()


def tell_read_models(tx: UnitOfWork, demo: Demo) -> None:
    """The demo as facts, in the seed's transaction. The rows are inserted in bulk, so the events are built
    from unsaved copies of them by the functions the use cases use; no reminders are planned (as before)."""
    for row in demo.events:
        tx.emit(EventPublished(**facts(Event(**row))))
    places = places_in_line(demo.signups)
    for row in demo.signups:
        tx.emit(imported(Signup(**row), places.get(row["id"])))


def places_in_line(signups: list[dict[str, Any]]) -> dict[UUID, int]:
    """Each waitlisted signup's 1-based place: the rank of its ticket in its event's line."""
    lines: dict[UUID, list[tuple[int, UUID]]] = defaultdict(list)
    for row in signups:
        if row["status"] == SignupStatus.waitlisted:
            lines[row["event_id"]].append((row["waitlist_ticket"], row["id"]))
    return {signup_id: place for line in lines.values()
            for place, (_, signup_id) in enumerate(sorted(line), start=1)}
