"""Events in: every service's events, each projected into the console's read models.

The console is the one consumer of every contract that changes a figure. Each handler only
appends dated facts (or upserts what a thing is now called), so applying the events again in
stream order (`kakawari console rebuild`) gives the same figures. Every delivery also moves its
type's checkpoint: the highest stream sequence applied.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts import forum, matching, notify, registry
from kit.contracts.base import EventContract
from kit.db.conflict import session_insert
from kit.db.types import utcnow
from kit.messaging.handlers import EventRouter, HandlerContext
from services.console.bootstrap import ConsoleDeps
from services.console.models import (
    Checkpoint,
    DeliveryState,
    Gathering,
    Member,
    MemberState,
    Participation,
    Program,
    RelationStage,
    SignupState,
    SmallBase,
    Suppression,
)
from services.console.system.domain.messaging import trace_id

router: EventRouter[ConsoleDeps] = EventRouter("console")
Context = HandlerContext[ConsoleDeps]
Projector = Callable[[Any, Context], Awaitable[None]]
HELD = "console.checkpoints"  # session.info: the batch's checkpoint rows, held so they stay in its identity map


def consumer_name(contract: type[EventContract]) -> str:
    """`console-registry-member-approved`: one durable consumer per contract."""
    return "console-" + contract.event_type.replace(".", "-").replace("_", "-")


def projects(*contracts: type[EventContract]) -> Callable[[Projector], Projector]:
    """Register `projector` for each contract; every delivery also moves the type's checkpoint."""

    def register(projector: Projector) -> Projector:
        for contract in contracts:
            async def handler(event: Any, ctx: Context, _projector: Projector = projector) -> None:
                await _projector(event, ctx)
                await _checkpoint(ctx)

            handler.__doc__ = projector.__doc__
            handler.__name__ = projector.__name__
            router.on(contract, name=consumer_name(contract))(handler)
        return projector

    return register


async def _checkpoint(ctx: Context) -> None:
    envelope = ctx.envelope
    ctx.after_commit(ctx.deps.live.changed)  # pages listening over SSE refresh once the figures are true
    row = await ctx.session.get(Checkpoint, envelope.versioned_type)
    sequence = ctx.stream_sequence or 0
    if row is None:
        row = Checkpoint(event_type=envelope.versioned_type, producer=envelope.producer, sequence=sequence,
                         applied=1, updated_at=utcnow())
        ctx.session.add(row)
    else:
        row.sequence, row.applied, row.updated_at = max(row.sequence, sequence), row.applied + 1, utcnow()
    # The session's identity map holds a flushed row weakly: held here, the batch's next event of this
    # type finds it there instead of reading it again (one SELECT per type per batch, not per event).
    ctx.session.info.setdefault(HELD, set()).add(row)


def _trace_id(ctx: Context) -> str | None:
    """The W3C trace id the event travelled in, for the page's link to its trace."""
    return trace_id(ctx.envelope.traceparent)


Dated = TypeVar("Dated", Gathering, Program)


async def _latest(session: AsyncSession, model: type[Dated], key: UUID, facts: dict[str, Any], at: datetime) -> Dated:
    """The row for `key` holding the newest facts: each contract has its own consumer, so a change can
    arrive before the publication it changes; the facts published last win, whatever the arrival order."""
    row = await session.get(model, key)
    if row is None:
        row = model(id=key, published_at=at, facts_at=at, **facts)
        session.add(row)
    elif at >= row.facts_at:
        for name, value in facts.items():
            setattr(row, name, value)
        row.facts_at = at
    return row


# -- the network ----------------------------------------------------------------------------------------
async def _member(session: AsyncSession, event: registry.MemberImported | registry.MemberApplied) -> None:
    member = await session.get(Member, event.member_id)
    if member is None:
        session.add(Member(id=event.member_id, name=event.name, kind=event.kind,
                           prefecture_code=event.prefecture_code, municipality_code=event.municipality_code))
        return
    member.name, member.kind = event.name, event.kind
    member.prefecture_code = event.prefecture_code or member.prefecture_code
    member.municipality_code = event.municipality_code or member.municipality_code


@projects(registry.MemberApplied, registry.MemberApproved, registry.MemberRejected, registry.MemberReturned,
          registry.MemberSuspended, registry.MemberWithdrawn, registry.MemberUpdated)
async def on_member_changed(event: registry.MemberApplied, ctx: Context) -> None:
    """A membership's status changed: the member's new dated state."""
    await _member(ctx.session, event)
    ctx.session.add(MemberState(member_id=event.member_id, status=event.status, at=event.at))


@projects(registry.MemberImported)
async def on_member_imported(event: registry.MemberImported, ctx: Context) -> None:
    """A membership from before the platform: the member and its whole dated history."""
    await _member(ctx.session, event)
    ctx.session.add_all([MemberState(member_id=event.member_id, status=step.status, at=step.at)
                         for step in event.history])


@projects(registry.SmallBaseRegistered)
async def on_small_base_registered(event: registry.SmallBaseRegistered, ctx: Context) -> None:
    """A 小さな拠点 on the platform, counted against the national target."""
    ctx.session.add(SmallBase(id=event.small_base_id, member_id=event.member_id, name=event.name,
                              municipality_code=event.municipality_code, prefecture_code=event.prefecture_code,
                              opened_on=event.opened_on, registered_at=event.at))


# -- gatherings -------------------------------------------------------------------------------------------
@projects(forum.EventPublished, forum.EventUpdated, forum.EventCancelled)
async def on_gathering(event: forum.EventPublished, ctx: Context) -> None:
    """A forum or café date as last published (its capacity and time), or its cancellation."""
    at = ctx.envelope.occurred_at
    facts = {"kind": event.kind, "title": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at,
             "capacity": event.capacity, "online": event.online, "venue": event.venue}
    gathering = await _latest(ctx.session, Gathering, event.event_id, facts, at)
    if isinstance(event, forum.EventPublished):
        gathering.published_at = min(gathering.published_at, at)
    if isinstance(event, forum.EventCancelled):
        gathering.cancelled_at = at


_SIGNUP_STATUS: dict[type[EventContract], str] = {
    forum.SignupRequested: "requested", forum.SignupConfirmed: "confirmed", forum.SignupWaitlisted: "waitlisted",
    forum.SignupPromoted: "offered", forum.SignupCancelled: "cancelled",
}


@projects(*_SIGNUP_STATUS)
async def on_signup(event: forum.SignupConfirmed, ctx: Context) -> None:
    """A signup's new dated state (the time is when forum decided it)."""
    ctx.session.add(SignupState(signup_id=event.signup_id, event_id=event.event_id,
                                status=_SIGNUP_STATUS[type(event)], at=ctx.envelope.occurred_at))


@projects(forum.SignupCheckedIn)
async def on_checked_in(event: forum.SignupCheckedIn, ctx: Context) -> None:
    """An attendee arrived."""
    ctx.session.add(SignupState(signup_id=event.signup_id, event_id=event.event_id, status="checked_in",
                                at=event.at))


@projects(forum.SignupImported)
async def on_signup_imported(event: forum.SignupImported, ctx: Context) -> None:
    """A signup from before the platform, with its dated states."""
    steps: list[tuple[str, datetime]] = [(event.status if event.status != "cancelled" else "confirmed",
                                          event.signed_up_at)]
    if event.cancelled_at is not None:
        steps.append(("cancelled", event.cancelled_at))
    if event.checked_in_at is not None:
        steps.append(("checked_in", event.checked_in_at))
    ctx.session.add_all([SignupState(signup_id=event.signup_id, event_id=event.event_id, status=status, at=at)
                         for status, at in steps])


# -- programs and relations -------------------------------------------------------------------------------
@projects(matching.ProgramPublished, matching.ProgramClosed, matching.ProgramImported)
async def on_program(event: matching.ProgramPublished, ctx: Context) -> None:
    """A program as last published, or closed."""
    facts = {"member_id": event.member_id, "title": event.title, "municipality_code": event.municipality_code,
             "municipality": event.municipality, "prefecture_code": event.prefecture_code,
             "capacity": event.capacity, "starts_on": event.starts_on, "ends_on": event.ends_on}
    program = await _latest(ctx.session, Program, event.program_id, facts, event.at)
    if not isinstance(event, matching.ProgramClosed):
        program.published_at = min(program.published_at, event.at)
    closed_at = event.at if isinstance(event, matching.ProgramClosed) else (
        event.closed_at if isinstance(event, matching.ProgramImported) else None)
    if closed_at is not None:
        program.closed_at = min(program.closed_at or closed_at, closed_at)


@projects(matching.ParticipationRecorded, matching.ParticipationImported)
async def on_participation(event: matching.ParticipationRecorded, ctx: Context) -> None:
    """One participation (延べ) on a day."""
    # Recorded live and imported: one day, counted once. One statement, no read first, and no
    # autoflush of the batch's other rows (they are flushed together when it commits).
    with ctx.session.no_autoflush:
        await ctx.session.execute(session_insert(ctx.session, Participation).values(
            id=event.participation_id, helper_id=event.helper_id, municipality_code=event.municipality_code,
            municipality=event.municipality, prefecture_code=event.prefecture_code, day=event.on,
            source=event.source, program_id=event.program_id).on_conflict_do_nothing(index_elements=["id"]))


@projects(matching.RelationStageChanged)
async def on_relation_stage(event: matching.RelationStageChanged, ctx: Context) -> None:
    """A person's relation to a municipality moved along 集める → 深める → つなげる."""
    ctx.session.add(RelationStage(helper_id=event.helper_id, municipality_code=event.municipality_code,
                                  municipality=event.municipality, stage=event.stage, as_of=event.as_of))


# -- notifications ----------------------------------------------------------------------------------------
@projects(notify.DeliverySent, notify.DeliveryDeferred, notify.DeliveryFailed)
async def on_delivery(event: notify.DeliverySent, ctx: Context) -> None:
    """A delivery's new dated state: sent, deferred, failed or bounced."""
    if isinstance(event, notify.DeliverySent):
        state, reason = "sent", None
    elif isinstance(event, notify.DeliveryDeferred):
        state, reason = "deferred", event.reason
    else:
        failed: notify.DeliveryFailed = event
        state, reason = failed.state, failed.reason
    ctx.session.add(DeliveryState(delivery_id=event.delivery_id, channel=event.channel, template=event.template,
                                  state=state, reason=reason, at=event.at, trace_id=_trace_id(ctx)))


@projects(notify.AddressSuppressed)
async def on_address_suppressed(event: notify.AddressSuppressed, ctx: Context) -> None:
    """An address hard-bounced and is suppressed."""
    with ctx.session.no_autoflush:  # the first suppression of an address stands
        await ctx.session.execute(session_insert(ctx.session, Suppression).values(
            address_hash=event.address_hash, reason=event.reason, at=event.at, trace_id=_trace_id(ctx))
            .on_conflict_do_nothing(index_elements=["address_hash"]))
