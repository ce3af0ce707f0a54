"""Check-in's use cases: check a code in (idempotent), the attendance of an event, and the
QR code of a confirmed signup.

A scan always returns what the desk must see: the verdict, and whose signup it is, even when
it must not be admitted (another event, cancelled), so staff can tell the person why. The
API turns the warnings into 404/409 problems; the staff page shows them in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from kit.contracts.forum import SignupCheckedIn
from kit.db.types import utcnow
from kit.errors import AppError, Conflict, NotFound, ValidationFailed
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.forum.checkin import repository
from services.forum.checkin.domain.rules import (
    ADMITTED,
    MESSAGES,
    Attendance,
    Verdict,
    code_problems,
    normalize,
    verdict,
)
from services.forum.links import SignupLinks
from services.forum.models import Event, Signup
from services.forum.signups.service import signup_from_token


@dataclass(frozen=True)
class ScanOutcome:
    verdict: Verdict
    event: Event
    signup: Signup | None  # None for an unknown code
    signup_event: Event | None  # the signup's own event (another one on a wrong-event scan)
    attendance: Attendance  # of `event`, after this scan

    @property
    def admitted(self) -> bool:
        return self.verdict in ADMITTED


async def check_in(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID, code: str) -> ScanOutcome:
    """Operators' desk (the API): the scan, or the problem it raises."""
    actor.require_operator()
    outcome = await scan(uow=uow, event_id=event_id, raw_code=code)
    if not outcome.admitted:
        raise refusal(outcome)
    return outcome


async def scan(*, uow: UnitOfWorkFactory, event_id: UUID, raw_code: str) -> ScanOutcome:
    """Check a code in at `event_id`. Idempotent: a second scan changes nothing and answers
    `already` with the first time. The caller has checked that an operator is at the desk."""
    code = normalize(raw_code)
    if problems := code_problems(code):
        raise ValidationFailed(problems)
    async with uow() as tx:
        event = await _event(tx.session, event_id)
        signup = await repository.by_code(tx.session, code)
        signup_event: Event | None = None
        if signup is None:
            found = Verdict.unknown
        else:
            signup_event = event if signup.event_id == event.id else await repository.event(tx.session, signup.event_id)
            found = verdict(status=signup.status, same_event=signup.event_id == event.id,
                            checked_in=signup.checked_in_at is not None)
            if found == Verdict.checked_in:
                now = utcnow()
                if await repository.mark(tx.session, signup.id, now):
                    set_committed_value(signup, "checked_in_at", now)
                    set_committed_value(signup, "updated_at", now)
                    tx.emit(SignupCheckedIn(signup_id=signup.id, event_id=event.id, member_id=signup.member_id,
                                            at=now))
                else:  # another desk checked it in (or it was cancelled) a moment ago: say what is true now
                    await tx.session.refresh(signup)
                    found = verdict(status=signup.status, same_event=True, checked_in=signup.checked_in_at is not None)
        attendance = await attendance_of(tx.session, event)
        await tx.commit()
    return ScanOutcome(found, event, signup, signup_event, attendance)


def refusal(outcome: ScanOutcome) -> AppError:
    """The problem a refused scan is in the API: 404 for an unknown code, 409 for the others,
    with whose signup it is so the desk can explain."""
    message = MESSAGES[outcome.verdict]
    if outcome.signup is None:
        return NotFound(ja=message.ja, en=message.en)
    signup = outcome.signup
    extra: dict[str, object] = {"reason": outcome.verdict.value, "signup_id": str(signup.id), "name": signup.name,
                                "affiliation": signup.affiliation, "signup_status": signup.status}
    if outcome.verdict == Verdict.wrong_event and outcome.signup_event is not None:
        extra |= {"signup_event_id": str(outcome.signup_event.id), "signup_event_title": outcome.signup_event.title}
    return Conflict(ja=message.ja, en=message.en, **extra)


async def attendance(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID
                     ) -> tuple[Attendance, list[tuple[str | None, int, int]]]:
    """An event's attendance, with the same counts per prefecture (operators)."""
    actor.require_operator()
    async with uow.read() as session:
        event = await _event(session, event_id)
        return await attendance_of(session, event), await repository.by_prefecture(session, event_id)


async def qr_code(*, uow: UnitOfWorkFactory, links: SignupLinks, token: str) -> str:
    """The check-in code of the confirmed signup behind a manage link."""
    signup_id = signup_from_token(links, token)
    async with uow.read() as session:
        signup = await session.get(Signup, signup_id)
    if signup is None:
        raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
    if signup.status != "confirmed":
        raise Conflict(ja="受付用QRコードは参加が確定した申込みにのみ発行されます。",
                       en="Only a confirmed signup has a check-in QR code.")
    return signup.checkin_code


async def attendance_of(session: AsyncSession, event: Event) -> Attendance:
    """An event's attendance inside the caller's session (the operators' pages read it too)."""
    confirmed, checked_in = await repository.counts(session, event.id)
    return Attendance(confirmed=confirmed, checked_in=checked_in, ended=event.ends_at <= utcnow())


async def _event(session: AsyncSession, event_id: UUID) -> Event:
    event = await repository.event(session, event_id)
    if event is None:
        raise NotFound(ja="イベントが見つかりません。", en="Event not found.")
    return event


async def desk(*, uow: UnitOfWorkFactory, event_id: UUID) -> tuple[Event, Attendance]:
    """What the staff page opens with: the event and the count so far."""
    async with uow.read() as session:
        event = await _event(session, event_id)
        return event, await attendance_of(session, event)
