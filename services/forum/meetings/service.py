"""Meetings' use cases: request a talk, accept it (booked into the earliest networking slot
both organizations have free), decline or cancel it, and list one's own.

Who may act is a member's staff, by their bearer token or session: an organization (a
registry member) with a confirmed attendee at the block forum. A meeting that is not the
caller's organization's answers 404, as one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.forum import MeetingBooked
from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.forum.meetings import repository
from services.forum.meetings.domain.slots import MeetingStatus, first_free, slots
from services.forum.meetings.schemas import MeetingRead, OrganizationRead
from services.forum.models import Event, Meeting

NOT_FOUND = ("面談の依頼が見つかりません。", "Meeting not found.")


@dataclass(frozen=True)
class Networking:
    """What the networking page shows the caller's organization."""

    event: Event
    member_id: UUID
    meetings: list[MeetingRead]
    organizations: list[OrganizationRead]  # whom one may ask
    slots: int


def _member(actor: Principal) -> UUID:
    if actor.member_id is None:
        raise Forbidden(ja="会員団体の職員のみが利用できます。", en="Only a member organization's staff may do this.")
    return actor.member_id


async def _event(session: AsyncSession, event_id: UUID) -> Event:
    event = await repository.event(session, event_id)
    if event is None or event.status == "draft":
        raise NotFound(ja="イベントが見つかりません。", en="Event not found.")
    if event.kind != "block_forum" or event.networking_starts_at is None or event.networking_ends_at is None:
        raise Conflict(ja="このイベントには交流（面談）の時間がありません。",
                       en="This event has no networking hours.")
    if event.status == "cancelled":
        raise Conflict(ja="このイベントは中止になりました。", en="This event was cancelled.")
    return event


async def _attending(session: AsyncSession, event_id: UUID, actor: Principal) -> UUID:
    member_id = _member(actor)
    if await repository.attendee(session, event_id, member_id, email=actor.email) is None:
        raise Forbidden(ja="このフォーラムに参加が確定した団体の方のみが利用できます。",
                        en="Only organizations with a confirmed attendee at this forum may do this.")
    return member_id


async def request(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID, invitee_member_id: UUID,
                  note: str) -> MeetingRead:
    """Ask another attending organization for a short talk."""
    async with uow() as tx:
        await _event(tx.session, event_id)
        member_id = await _attending(tx.session, event_id, actor)
        if invitee_member_id == member_id:
            raise ValidationFailed([FieldProblem("invitee_member_id", "self", "自団体には依頼できません。",
                                                 "You cannot ask your own organization.")])
        signup = await repository.attendee(tx.session, event_id, member_id, email=actor.email)
        assert signup is not None
        if await repository.attendee(tx.session, event_id, invitee_member_id) is None:
            raise NotFound(ja="その団体の参加者が見つかりません。",
                           en="That organization has no confirmed attendee here.")
        await repository.lock_members(tx.session, event_id, (member_id, invitee_member_id))
        if (existing := await repository.open_between(tx.session, event_id, member_id, invitee_member_id)) is not None:
            raise Conflict(ja="この団体との面談の依頼はすでにあります。",
                           en="There is already a request or booking with this organization.",
                           meeting_id=str(existing.id))
        now = utcnow()
        meeting = Meeting(id=new_event_id(), event_id=event_id, requester_member_id=member_id,
                          invitee_member_id=invitee_member_id, requester_signup_id=signup.id, note=note,
                          status=MeetingStatus.requested, slot_starts_at=None, created_at=now, updated_at=now)
        tx.session.add(meeting)
        await tx.session.flush()
        read = await _read(tx.session, meeting, member_id, slot_minutes=0)
        await tx.commit()
    return read


async def accept(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID, meeting_id: UUID) -> MeetingRead:
    """The invited organization accepts: the talk is booked into the earliest slot of the
    networking hours where neither organization has a meeting. Accepting twice changes nothing."""
    async with uow() as tx:
        event = await _event(tx.session, event_id)
        member_id = _member(actor)
        found = await _mine(tx.session, event_id, meeting_id, member_id)
        if found.invitee_member_id != member_id:
            raise Forbidden(ja="承諾は依頼を受けた団体が行います。", en="The invited organization accepts.")
        await repository.lock_members(tx.session, event_id, (found.requester_member_id, found.invitee_member_id))
        meeting = await repository.meeting(tx.session, meeting_id, lock=True)  # as it is now, after the wait
        assert meeting is not None
        if meeting.status == MeetingStatus.booked:
            read = await _read(tx.session, meeting, member_id, slot_minutes=event.slot_minutes)
            await tx.commit()
            return read
        if meeting.status != MeetingStatus.requested:
            raise Conflict(ja="この依頼は辞退または取り消されています。", en="This request was declined or cancelled.")
        await _attending(tx.session, event_id, actor)
        if await repository.attendee(tx.session, event_id, meeting.requester_member_id) is None:
            raise Conflict(ja="依頼した団体の参加が取り消されています。",
                           en="The requesting organization no longer has a confirmed attendee.")
        await _book(tx.session, event, meeting)
        assert meeting.slot_starts_at is not None
        tx.emit(MeetingBooked(meeting_id=meeting.id, event_id=event_id,
                              requester_member_id=meeting.requester_member_id,
                              invitee_member_id=meeting.invitee_member_id, slot_starts_at=meeting.slot_starts_at,
                              at=meeting.updated_at))
        read = await _read(tx.session, meeting, member_id, slot_minutes=event.slot_minutes)
        await tx.commit()
    return read


async def _book(session: AsyncSession, event: Event, meeting: Meeting) -> None:
    """Choose the slot. The members' locks make the choice safe; should a booking still
    collide (the unique constraints), that slot counts as taken and the next is tried."""
    assert event.networking_starts_at is not None and event.networking_ends_at is not None
    busy = await repository.busy(session, event.id, (meeting.requester_member_id, meeting.invitee_member_id))
    for _ in slots(event.networking_starts_at, event.networking_ends_at, event.slot_minutes):
        now = utcnow()
        slot = first_free(starts_at=event.networking_starts_at, ends_at=event.networking_ends_at,
                          minutes=event.slot_minutes, busy=busy, now=now)
        if slot is None:
            break
        try:
            async with session.begin_nested():
                meeting.status, meeting.slot_starts_at, meeting.updated_at = MeetingStatus.booked, slot, now
                await session.flush()
            return
        except IntegrityError:
            await session.refresh(meeting)
            busy.append(slot)
    raise Conflict(ja="両団体が空いている交流の時間枠がありません。",
                   en="No networking slot is free for both organizations.")


async def decline(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID, meeting_id: UUID) -> MeetingRead:
    """The invited organization says no to a request (declining twice changes nothing)."""
    async with uow() as tx:
        event = await _event(tx.session, event_id)
        member_id = _member(actor)
        meeting = await _mine(tx.session, event_id, meeting_id, member_id)
        if meeting.invitee_member_id != member_id:
            raise Forbidden(ja="辞退は依頼を受けた団体が行います。依頼の取消しは cancel を使ってください。",
                            en="The invited organization declines; cancel your own request instead.")
        if meeting.status == MeetingStatus.booked:
            raise Conflict(ja="予約済みの面談は取り消してください。", en="A booked meeting is cancelled, not declined.")
        if meeting.status == MeetingStatus.requested:
            meeting.status, meeting.updated_at = MeetingStatus.declined, utcnow()
        read = await _read(tx.session, meeting, member_id, slot_minutes=event.slot_minutes)
        await tx.commit()
    return read


async def cancel(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID, meeting_id: UUID) -> MeetingRead:
    """Either organization calls off a request or a booking; the slot is free again."""
    async with uow() as tx:
        event = await _event(tx.session, event_id)
        member_id = _member(actor)
        meeting = await _mine(tx.session, event_id, meeting_id, member_id)
        if meeting.status in (MeetingStatus.requested, MeetingStatus.booked):
            # a NULL slot never collides in the unique constraints: the slot is free again
            meeting.status, meeting.slot_starts_at, meeting.updated_at = MeetingStatus.cancelled, None, utcnow()
        read = await _read(tx.session, meeting, member_id, slot_minutes=event.slot_minutes)
        await tx.commit()
    return read


async def listed(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID) -> Networking:
    """The caller's organization's meetings here, and the organizations it may ask."""
    member_id = _member(actor)
    async with uow.read() as session:
        event = await _event(session, event_id)
        meetings = await repository.of_member(session, event_id, member_id)
        names = await repository.names(session, event_id, {m.requester_member_id for m in meetings}
                                       | {m.invitee_member_id for m in meetings})
        reads = [_shape(m, member_id, names, event.slot_minutes) for m in meetings]
        attending = await repository.attending(session, event_id)
        me = await repository.attendee(session, event_id, member_id, email=actor.email)
    assert event.networking_starts_at is not None and event.networking_ends_at is not None
    others = [OrganizationRead(member_id=m, name=name) for m, name in attending if m != member_id] if me else []
    return Networking(event=event, member_id=member_id, meetings=reads, organizations=others,
                      slots=len(slots(event.networking_starts_at, event.networking_ends_at, event.slot_minutes)))


async def _mine(session: AsyncSession, event_id: UUID, meeting_id: UUID, member_id: UUID) -> Meeting:
    meeting = await repository.meeting(session, meeting_id)
    if meeting is None or meeting.event_id != event_id or member_id not in (meeting.requester_member_id,
                                                                            meeting.invitee_member_id):
        raise NotFound(*NOT_FOUND)
    return meeting


async def _read(session: AsyncSession, meeting: Meeting, member_id: UUID, *, slot_minutes: int) -> MeetingRead:
    names = await repository.names(session, meeting.event_id, (meeting.requester_member_id, meeting.invitee_member_id))
    return _shape(meeting, member_id, names, slot_minutes)


def _shape(meeting: Meeting, member_id: UUID, names: dict[UUID, str], slot_minutes: int) -> MeetingRead:
    ends = meeting.slot_starts_at + timedelta(minutes=slot_minutes) if meeting.slot_starts_at else None
    return MeetingRead(id=meeting.id, event_id=meeting.event_id, status=meeting.status,
                       role="requester" if meeting.requester_member_id == member_id else "invitee",
                       requester_member_id=meeting.requester_member_id,
                       requester_name=names.get(meeting.requester_member_id, ""),
                       invitee_member_id=meeting.invitee_member_id,
                       invitee_name=names.get(meeting.invitee_member_id, ""), note=meeting.note,
                       slot_starts_at=meeting.slot_starts_at, slot_ends_at=ends, created_at=meeting.created_at)
