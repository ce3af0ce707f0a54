"""Applications' use cases, first come with a waitlist: apply, withdraw, and the host's accept and
decline. Places are the kit's one capacity rule on the program's counters (`PROGRAM_SEATS`, the
same code as forum's signups); each use case is one unit of work, so the counters, the
application and its events commit together, and a freed place goes to the next in line in the
same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import EventContract
from kit.contracts.matching import (
    ApplicationAccepted,
    ApplicationSubmitted,
    ApplicationWaitlisted,
    ApplicationWithdrawn,
    WithdrawalReason,
)
from kit.db.types import utcnow
from kit.errors import Conflict, NotFound
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.matching.applications import repository
from services.matching.applications.domain.rules import (
    ACTIVE,
    ApplicationStatus,
    HostAction,
    apply_refusal,
    host_move,
    positions,
    promotes,
    withdraw_refusal,
)
from services.matching.applications.schemas import ApplicantRead, ApplicationRead
from services.matching.models import Application, Helper, Program
from services.matching.programs import repository as programs
from services.matching.programs.domain.rules import ProgramStatus
from services.matching.programs.seats import PROGRAM_SEATS
from services.matching.programs.service import manages, not_found, program_url, today_jst

Emit = Callable[[EventContract], object]  # a unit of work's or a handler's emit: into the outbox
SEAT = "confirmed"  # the counter an accepted application occupies (`held` is for offers, unused here)
HOST_DECLINED: WithdrawalReason = "host"
PERSON_WITHDREW: WithdrawalReason = "person"


@dataclass(frozen=True)
class Outcome:
    application: ApplicationRead
    created: bool  # False: the person had applied already, and this is that application


def no_application() -> NotFound:
    return NotFound(ja="応募が見つかりません。", en="Application not found.")


async def apply(*, uow: UnitOfWorkFactory, who: Principal, program_id: UUID, base_url: str) -> Outcome:
    """A place if one is free, else a waitlist ticket. Applying again returns the application
    the person has, never a second place."""
    try:
        return await _apply(uow=uow, who=who, program_id=program_id, base_url=base_url)
    except IntegrityError:  # the same person decided a moment ago by another request: that one stands
        pass
    try:
        return await _apply(uow=uow, who=who, program_id=program_id, base_url=base_url)
    except IntegrityError as exc:
        raise Conflict(ja="同じ応募を処理中です。もう一度お試しください。",
                       en="This application is being processed; please try again.") from exc


async def _apply(*, uow: UnitOfWorkFactory, who: Principal, program_id: UUID, base_url: str) -> Outcome:
    async with uow() as tx:
        session = tx.session
        program = await programs.get(session, program_id)
        if program is None or program.status == ProgramStatus.draft:
            raise not_found()
        helper = await _helper(session, who.user_id)
        existing = await repository.by_person(session, program.id, helper.id)
        if existing is not None and existing.status in ACTIVE:
            return Outcome(await _read(session, existing, program, base_url), False)
        if why := apply_refusal(program_status=program.status, ends_on=program.ends_on, today=today_jst(),
                                previous=existing.status if existing else None):
            raise Conflict(*why)
        now = utcnow()
        application = existing or Application(id=new_event_id(), program_id=program.id, helper_id=helper.id,
                                               created_at=now)
        decision = await PROGRAM_SEATS.take(session, program.id, SEAT)
        application.status = ApplicationStatus.accepted if decision.seated else ApplicationStatus.waitlisted
        application.waitlist_ticket, application.updated_at = decision.waitlist_ticket, now
        if existing is None:
            session.add(application)
        await session.flush()  # a second application of the same person fails here, before any event
        base = facts(program, application, helper, base_url)
        tx.emit(ApplicationSubmitted(**base))
        if decision.seated:
            tx.emit(ApplicationAccepted(**base, okaeshi=program.okaeshi))
        else:
            assert decision.waitlist_position is not None
            tx.emit(ApplicationWaitlisted(**base, waitlist_position=decision.waitlist_position))
        answer = _shaped(application, program, decision.waitlist_position, base_url)
        await tx.commit()
    return Outcome(answer, True)


async def withdraw(*, uow: UnitOfWorkFactory, who: Principal, application_id: UUID, base_url: str) -> ApplicationRead:
    """The person gives their place (or place in line) back; the next in line moves up. Again: nothing changes."""
    async with uow() as tx:
        application = await repository.get(tx.session, application_id, lock=True)
        if application is None or application.helper_id != who.user_id:
            raise no_application()  # someone else's is a 404, like one that does not exist
        program = await programs.get(tx.session, application.program_id)
        assert program is not None
        if application.status in ACTIVE:
            if why := withdraw_refusal(program_status=program.status):
                raise Conflict(*why)
            await leave(tx.session, tx.emit, program, application, ApplicationStatus.withdrawn, PERSON_WITHDREW,
                        base_url)
            await promote_next(tx.session, tx.emit, program, base_url)
        answer = await _read(tx.session, application, program, base_url)
        await tx.commit()
    return answer


async def decide(*, uow: UnitOfWorkFactory, actor: Principal, application_id: UUID, action: HostAction,
                 base_url: str) -> ApplicantRead:
    """The host declines an application (its place goes to the next in line) or accepts one from
    the line: free places go to the front of the line first, then a person still waiting is seated
    in a place kept back from first come (`reserved`), if one is left (else a 409)."""
    full = False
    async with uow() as tx:
        session = tx.session
        application = await repository.get(session, application_id, lock=True)
        program = await programs.get(session, application.program_id) if application else None
        if application is None or program is None or not manages(actor, program):
            raise no_application()  # another member's applicant is a 404
        target = host_move(action, application.status)
        if target is not None and (why := withdraw_refusal(program_status=program.status)):
            raise Conflict(*why)
        if target == ApplicationStatus.accepted and not promotes(program_status=program.status,
                                                                 ends_on=program.ends_on, today=today_jst()):
            raise Conflict(ja="この募集は終了しています。", en="This program is over.")
        if target == ApplicationStatus.declined:
            await leave(session, tx.emit, program, application, target, HOST_DECLINED, base_url)
            await promote_next(session, tx.emit, program, base_url)
        elif target == ApplicationStatus.accepted:
            await promote_next(session, tx.emit, program, base_url)
            if application.status == ApplicationStatus.waitlisted:
                full = not await _seat_from_reserve(session, tx.emit, program, application, base_url)
        helper = await repository.helper(session, application.helper_id)
        assert helper is not None
        answer = _applicant(application, helper, await repository.waitlist_position(session, application))
        await tx.commit()  # the line moved up even if no reserved place was left
    if full:
        raise Conflict(ja="定員に空きがありません（確保枠も埋まっています）。",
                       en="There is no place left, reserved places included.")
    return answer


async def applicants(*, uow: UnitOfWorkFactory, actor: Principal, program_id: UUID, limit: int,
                     offset: int) -> list[ApplicantRead]:
    """A program's applicants, for its host (another member's program is a 404)."""
    async with uow.read() as session:
        program = await programs.get(session, program_id)
        if program is None or not manages(actor, program):
            raise not_found()
        rows = await repository.of_program(session, program.id, limit=limit, offset=offset)
        places = positions(await repository.waiting_tickets(session, program.id))
    return [_applicant(a, h, places.get(a.waitlist_ticket) if a.status == ApplicationStatus.waitlisted
                       and a.waitlist_ticket is not None else None) for a, h in rows]


async def mine(*, uow: UnitOfWorkFactory, who: Principal, base_url: str, limit: int = 200) -> list[ApplicationRead]:
    async with uow.read() as session:
        return [await _read(session, a, p, base_url) for a, p in await repository.of_helper(session, who.user_id,
                                                                                              limit=limit)]


async def one(*, uow: UnitOfWorkFactory, who: Principal, application_id: UUID, base_url: str) -> ApplicationRead:
    """An application, to its person or its program's host."""
    async with uow.read() as session:
        application = await repository.get(session, application_id)
        program = await programs.get(session, application.program_id) if application else None
        if application is None or program is None or not (application.helper_id == who.user_id
                                                          or manages(who, program)):
            raise no_application()
        return await _read(session, application, program, base_url)


async def for_program(*, uow: UnitOfWorkFactory, who: Principal, program_id: UUID,
                      base_url: str) -> ApplicationRead | None:
    """The person's application to this program, if they have one."""
    async with uow.read() as session:
        application = await repository.by_person(session, program_id, who.user_id)
        program = await programs.get(session, program_id)
        if application is None or program is None:
            return None
        return await _read(session, application, program, base_url)


async def withdraw_all(session: AsyncSession, emit: Emit | None, email: str, base_url: str) -> int:
    """Erasure: every active application of the people with this address (lower case) is withdrawn, inside the caller's
    transaction; programs already over keep their history. The erased person is not written to
    (their address is being blanked). With `emit`, the freed places go to the next in line, who
    are told; without it they wait for the next withdrawal or host action (no event is dropped)."""
    withdrawn = 0
    helper_ids = await repository.helper_ids_by_email(session, email)
    for application in await repository.active_of(session, helper_ids):
        program = await programs.get(session, application.program_id)
        assert program is not None
        if withdraw_refusal(program_status=program.status):
            continue
        # No event (emit None): nothing is written to the erased person.
        await leave(session, None, program, application, ApplicationStatus.withdrawn, PERSON_WITHDREW, base_url)
        if emit is not None:
            await promote_next(session, emit, program, base_url)
        withdrawn += 1
    return withdrawn


async def leave(session: AsyncSession, emit: Emit | None, program: Program, application: Application,
                status: ApplicationStatus, reason: WithdrawalReason, base_url: str) -> None:
    """An active application ends: its place, or its place in line, is given back."""
    counter = SEAT if application.status == ApplicationStatus.accepted else PROGRAM_SEATS.waitlisted
    await PROGRAM_SEATS.release(session, program.id, counter)
    application.status, application.waitlist_ticket, application.updated_at = status, None, utcnow()
    if emit is not None:
        helper = await repository.helper(session, application.helper_id)
        assert helper is not None
        emit(ApplicationWithdrawn(**facts(program, application, helper, base_url), reason=reason))


async def promote_next(session: AsyncSession, emit: Emit, program: Program, base_url: str) -> int:
    """Fill free places from the front of the line, while the program lies ahead; how many moved up."""
    if not promotes(program_status=program.status, ends_on=program.ends_on, today=today_jst()):
        return 0
    promoted = 0
    postgres = session.get_bind().dialect.name == "postgresql"
    while (candidate := await repository.first_in_line(session, program.id, skip_locked=postgres)) is not None:
        if not await PROGRAM_SEATS.promote(session, program.id, SEAT):
            break
        await _accepted(session, emit, program, candidate, base_url)
        promoted += 1
    return promoted


async def _seat_from_reserve(session: AsyncSession, emit: Emit, program: Program, application: Application,
                             base_url: str) -> bool:
    """A waiting person takes a place kept back from first come, if one is left."""
    decision = await PROGRAM_SEATS.take(session, program.id, SEAT, use_reserved=True, waitlist=False)
    if not decision.seated:
        return False
    await PROGRAM_SEATS.release(session, program.id, PROGRAM_SEATS.waitlisted)
    await _accepted(session, emit, program, application, base_url)
    return True


async def _accepted(session: AsyncSession, emit: Emit, program: Program, application: Application,
                    base_url: str) -> None:
    application.status, application.waitlist_ticket, application.updated_at = (ApplicationStatus.accepted, None,
                                                                               utcnow())
    helper = await repository.helper(session, application.helper_id)
    assert helper is not None
    emit(ApplicationAccepted(**facts(program, application, helper, base_url), okaeshi=program.okaeshi))


def facts(program: Program, application: Application, helper: Helper, base_url: str) -> dict[str, Any]:
    """What every `matching.application.*` event carries."""
    return {"application_id": application.id, "program_id": program.id, "program_title": program.title,
            "member_id": program.member_id, "municipality_code": program.municipality_code,
            "municipality": program.municipality, "starts_on": program.starts_on, "ends_on": program.ends_on,
            "online": program.online, "helper_id": helper.id, "email": helper.email or "", "name": helper.name,
            "locale": helper.locale if helper.locale in ("ja", "en") else "ja",
            "url": program_url(base_url, program.id), "at": application.updated_at}


async def _helper(session: AsyncSession, helper_id: UUID) -> Helper:
    helper = await repository.helper(session, helper_id)
    if helper is None or helper.erased_at is not None:
        raise Conflict(ja="応募するには、先に支援者プロフィールを登録してください。",
                       en="Create your helper profile before applying.")
    return helper


async def _read(session: AsyncSession, application: Application, program: Program, base_url: str) -> ApplicationRead:
    return _shaped(application, program, await repository.waitlist_position(session, application), base_url)


def _shaped(application: Application, program: Program, position: int | None, base_url: str) -> ApplicationRead:
    return ApplicationRead(id=application.id, program_id=program.id, program_title=program.title,
                           starts_on=program.starts_on, ends_on=program.ends_on, status=application.status,
                           waitlist_position=position, created_at=application.created_at,
                           updated_at=application.updated_at, url=program_url(base_url, program.id))


def _applicant(application: Application, helper: Helper, position: int | None) -> ApplicantRead:
    return ApplicantRead(id=application.id, program_id=application.program_id, helper_id=helper.id, name=helper.name,
                         email=helper.email, skills=list(helper.skills), status=application.status,
                         waitlist_position=position, created_at=application.created_at,
                         updated_at=application.updated_at)
