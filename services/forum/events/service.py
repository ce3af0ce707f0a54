"""Events' use cases: create, publish, change (capacity up promotes the waitlist; down never
below the seats taken), cancel (everyone signed up is told), and read."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from kit.capacity import lowest_capacity
from kit.contracts.forum import EventCancelled, EventPublished, EventUpdated
from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.web.auth import Principal
from services.forum.events import repository
from services.forum.events.domain.rules import Kind, Mode, Status, problems
from services.forum.events.schemas import EventCreate, EventUpdate
from services.forum.links import SignupLinks
from services.forum.lottery import service as lottery
from services.forum.models import Event, Signup
from services.forum.schedule.service import plan
from services.forum.signups.domain.rules import ACTIVE
from services.forum.signups.service import promote_next, release

REQUIRED = ("title", "description", "starts_at", "ends_at", "capacity")  # a PATCH may change them, not empty them


def facts(event: Event) -> dict[str, Any]:
    return {"event_id": event.id, "kind": event.kind, "title": event.title, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "capacity": event.capacity, "online": event.online, "venue": event.venue,
            "series_id": event.series_id, "sequence": event.sequence}


async def create(*, uow: UnitOfWorkFactory, actor: Principal, body: EventCreate) -> Event:
    actor.require_operator()
    found = problems(kind=body.kind, starts_at=body.starts_at, ends_at=body.ends_at, capacity=body.capacity,
                     mode=body.mode, first_come_seats=body.first_come_seats, lottery_closes_at=body.lottery_closes_at,
                     reserved=body.reserved, block=body.block, networking=(body.networking_starts_at,
                                                                           body.networking_ends_at))
    if found:
        raise ValidationFailed(found)
    now = utcnow()
    online = body.kind != Kind.block_forum if body.online is None else body.online
    event = Event(
        id=new_event_id(), series_id=None, kind=body.kind, title=body.title, description=body.description,
        block=body.block, venue=body.venue, online=online,
        join_url=body.join_url, join_opens_minutes=body.join_opens_minutes, starts_at=body.starts_at,
        ends_at=body.ends_at, capacity=body.capacity, reserved=body.reserved, per_org_cap=body.per_org_cap,
        confirmed=0, held=0, waitlisted=0, waitlist_seq=0, mode=body.mode, first_come_seats=body.first_come_seats,
        lottery_closes_at=body.lottery_closes_at, hold_hours=body.hold_hours, offer_hours=body.offer_hours,
        reconfirm_hours=body.reconfirm_hours, networking_starts_at=body.networking_starts_at,
        networking_ends_at=body.networking_ends_at, slot_minutes=body.slot_minutes,
        status=Status.published if body.publish else Status.draft, sequence=0, created_at=now, updated_at=now)
    async with uow() as tx:
        tx.session.add(event)
        await tx.session.flush()
        await added(tx, event)
        await tx.commit()
    return event


async def added(tx: UnitOfWork, event: Event) -> None:
    """What every new event needs once its row is written (one event, or each date of a series):
    a lottery's seed committed before anyone enters; if it is published, its announcement."""
    if event.mode in (Mode.lottery, Mode.hybrid):
        await lottery.commit_seed(tx.session, event)  # the seed's hash is public before anyone enters
    if event.status == Status.published:
        await published(tx, event)


async def published(tx: UnitOfWork, event: Event) -> None:
    """An event opens for signups: announced, and its reminders and draw planned."""
    tx.emit(EventPublished(**facts(event)))
    await plan(tx.session, event)


async def read(*, uow: UnitOfWorkFactory, event_id: UUID, viewer: Principal | None) -> Event:
    async with uow.read() as session:
        event = await repository.get(session, event_id)
    if event is None or (event.status == Status.draft and not (viewer and viewer.is_operator)):
        raise NotFound(ja="イベントが見つかりません。", en="Event not found.")
    return event


async def listed(*, uow: UnitOfWorkFactory, viewer: Principal | None, kind: str | None, block: str | None,
                 start: datetime | None, end: datetime | None, limit: int, offset: int) -> list[Event]:
    statuses = tuple(Status) if viewer and viewer.is_operator else (Status.published, Status.cancelled)
    async with uow.read() as session:
        return await repository.listed(session, kind=kind, block=block, start=start, end=end, statuses=statuses,
                                       limit=limit, offset=offset)


async def publish(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID) -> Event:
    actor.require_operator()
    async with uow() as tx:
        event = await _event(tx.session, event_id)
        if event.status == Status.cancelled:
            raise Conflict(ja="中止したイベントは公開できません。", en="A cancelled event cannot be published.")
        if event.status == Status.draft:
            event.status, event.updated_at = Status.published, utcnow()
            await published(tx, event)
        await tx.commit()
    return event


async def update(*, uow: UnitOfWorkFactory, links: SignupLinks, actor: Principal, event_id: UUID,
                 body: EventUpdate) -> Event:
    """Change an event. A moved time raises the calendar SEQUENCE; more capacity promotes
    the waitlist at once; less is refused below the seats already taken (nobody is dropped)."""
    actor.require_operator()
    async with uow() as tx:
        event = await _event(tx.session, event_id)
        if event.status == Status.cancelled:
            raise Conflict(ja="中止したイベントは変更できません。", en="A cancelled event cannot be changed.")
        changes = body.model_dump(exclude_unset=True)
        if nulls := [k for k in REQUIRED if k in changes and changes[k] is None]:
            raise ValidationFailed([FieldProblem(k, "required", "空にはできません。", "This cannot be empty.")
                                    for k in nulls])
        if "capacity" in changes:
            floor = lowest_capacity(occupied=event.confirmed + event.held + event.reserved)
            if changes["capacity"] < floor:
                raise ValidationFailed([FieldProblem(
                    "capacity", "below_taken", f"定員は確定・保留・確保済みの{floor}席より少なくできません。",
                    f"The capacity cannot go below the {floor} seats already taken or reserved.")])
        moved = any(k in changes and changes[k] != getattr(event, k) for k in ("starts_at", "ends_at"))
        for key, value in changes.items():
            setattr(event, key, value)
        if event.ends_at <= event.starts_at:
            raise ValidationFailed([FieldProblem("ends_at", "order", "終了は開始より後にしてください。",
                                                 "The end must come after the start.")])
        event.sequence += 1 if moved else 0
        event.updated_at = utcnow()
        await tx.session.flush()
        if await promote_next(tx, links, event):
            await tx.session.refresh(event)  # the seat counters moved in SQL
        if event.status == Status.published:
            tx.emit(EventUpdated(**facts(event)))
            await plan(tx.session, event)  # reminders and deadlines follow a moved event
        await tx.commit()
    return event


async def cancel(*, uow: UnitOfWorkFactory, links: SignupLinks, actor: Principal, event_id: UUID) -> Event:
    """Cancel an event: every active signup is cancelled and told (through notify)."""
    actor.require_operator()
    async with uow() as tx:
        event = await _event(tx.session, event_id)
        if event.status != Status.cancelled:
            signups = (await tx.session.scalars(select(Signup).where(Signup.event_id == event.id,
                                                                     Signup.status.in_(ACTIVE)))).all()
            for signup in signups:
                await release(tx, links, event, signup, reason="the event was cancelled")
            event.status, event.sequence, event.updated_at = Status.cancelled, event.sequence + 1, utcnow()
            tx.emit(EventCancelled(**facts(event)))
            await plan(tx.session, event)  # nothing left to remind anyone of
        await tx.commit()
    return event


async def _event(session: Any, event_id: UUID) -> Event:
    event = await repository.get(session, event_id)
    if event is None:
        raise NotFound(ja="イベントが見つかりません。", en="Event not found.")
    return event
