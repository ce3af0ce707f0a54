"""Booths' use cases: apply (a member admin of an intermediary organization), list (approved
ones for everyone; all for operators; a member also sees its own), and an operator's decision.
Each is one unit of work with the event it emits."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.forum import BoothApplied, BoothApproved
from kit.db.types import utcnow
from kit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.forum.booths import repository
from services.forum.booths.domain.rules import BoothStatus, decide, eligibility, event_problem, text_problems
from services.forum.booths.schemas import BoothCreate, BoothRead
from services.forum.models import Booth, Event


def read(booth: Booth, member_name: str | None) -> BoothRead:
    return BoothRead(id=booth.id, event_id=booth.event_id, member_id=booth.member_id, member_name=member_name,
                     title=booth.title, description=booth.description, status=booth.status,
                     created_at=booth.created_at, decided_at=booth.decided_at)


async def apply(*, uow: UnitOfWorkFactory, actor: Principal, event_id: UUID, body: BoothCreate
                ) -> tuple[BoothRead, bool]:
    """Apply for a booth; (the booth, whether it is new). Applying again returns the
    application already made; after a rejection it is a 409."""
    member_id = body.member_id or actor.member_id
    if member_id is None:
        raise Forbidden(ja="会員の管理者としてログインしてください。", en="Sign in as a member's admin.")
    actor.require_member(member_id, admin=True)  # another member's id: 404; staff who are not admins: 403
    if problems := text_problems(title=body.title):
        raise ValidationFailed(problems)
    async with uow() as tx:
        event = await _event(tx.session, event_id, operator=actor.is_operator)
        if why := event_problem(kind=event.kind, status=event.status, ended=event.ends_at <= utcnow()):
            raise Conflict(ja=why[0], en=why[1])
        member = await repository.member(tx.session, member_id)
        if why := eligibility(kind=member.kind if member else None, status=member.status if member else None):
            if member is None:
                raise Conflict(ja=why[0], en=why[1])
            raise Forbidden(ja=why[0], en=why[1])
        assert member is not None
        existing = await repository.of_member(tx.session, event_id, member_id)
        if existing is not None:
            if existing.status == BoothStatus.rejected:
                raise Conflict(ja="このイベントへのブース申込みは見送りとなっています。事務局にお問い合わせください。",
                               en="Your booth application for this event was rejected; please contact the "
                                  "secretariat.", booth_id=str(existing.id))
            answer = read(existing, member.name)
            await tx.commit()
            return answer, False
        now = utcnow()
        booth = Booth(id=new_event_id(), event_id=event_id, member_id=member_id, title=body.title,
                      description=body.description, status=BoothStatus.applied, created_at=now, decided_at=None)
        tx.session.add(booth)
        tx.emit(BoothApplied(booth_id=booth.id, event_id=event_id, member_id=member_id, title=booth.title, at=now))
        answer = read(booth, member.name)
        try:
            await tx.commit()
        except IntegrityError:  # the same member's other request won the race: that one stands
            raise Conflict(ja="同じ会員のブース申込みを処理中です。もう一度お試しください。",
                           en="A booth application of this member is being processed; please try again.") from None
    return answer, True


async def listed(*, uow: UnitOfWorkFactory, viewer: Principal | None, event_id: UUID) -> list[BoothRead]:
    """Approved booths for everyone; every booth for operators; a member also sees its own."""
    operator = viewer is not None and viewer.is_operator
    async with uow.read() as session:
        await _event(session, event_id, operator=operator)
        rows = await repository.listed(session, event_id, statuses=None if operator else (BoothStatus.approved,),
                                       also_member=viewer.member_id if viewer else None)
    return [read(booth, name) for booth, name in rows]


async def approved(*, uow: UnitOfWorkFactory, event_id: UUID) -> list[BoothRead]:
    """The booths an event page lists."""
    return await listed(uow=uow, viewer=None, event_id=event_id)


async def decide_on(*, uow: UnitOfWorkFactory, actor: Principal, booth_id: UUID, approve: bool) -> BoothRead:
    """An operator approves or rejects; deciding the same twice changes nothing and emits
    nothing. Approval emits BoothApproved (the booth is then listed on the event page)."""
    actor.require_operator()
    async with uow() as tx:
        booth = await repository.get(tx.session, booth_id)
        if booth is None:
            raise NotFound(ja="ブースが見つかりません。", en="Booth not found.")
        target = decide(booth.status, approve=approve)
        if target is not None:
            now = utcnow()
            booth.status, booth.decided_at = target, now
            if target == BoothStatus.approved:
                tx.emit(BoothApproved(booth_id=booth.id, event_id=booth.event_id, member_id=booth.member_id,
                                      title=booth.title, at=now))
        member = await repository.member(tx.session, booth.member_id)
        answer = read(booth, member.name if member else None)
        await tx.commit()
    return answer


async def _event(session: AsyncSession, event_id: UUID, *, operator: bool) -> Event:
    event = await repository.event(session, event_id)
    if event is None or (event.status == "draft" and not operator):
        raise NotFound(ja="イベントが見つかりません。", en="Event not found.")
    return event
