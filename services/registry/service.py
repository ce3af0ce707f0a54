"""registry's use cases. Each takes keyword-only arguments and owns its unit of work."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from kit.contracts.registry import MemberApplied, MemberApproved
from kit.db.types import utcnow
from kit.db.uow import UnitOfWork, UnitOfWorkFactory
from kit.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.web.auth import Principal
from services.registry.domain.local_government import Gazetteer
from services.registry.domain.membership import (
    HOLDING_STATUSES,
    Action,
    MemberKind,
    MemberStatus,
    plan_transition,
    requires_local_government_code,
    validate_application,
)
from services.registry.models import Member, MemberHistory, User
from services.registry.passwords import verify_password
from services.registry.schemas import MemberApplicationCreate


def _record(tx: UnitOfWork, member: Member, action: str, from_status: str | None, actor: Principal | None,
            note: str | None) -> None:
    tx.session.add(MemberHistory(
        id=new_event_id(), member_id=member.id, action=action, from_status=from_status, to_status=member.status,
        actor_id=actor.user_id if actor else None, actor_email=actor.email if actor else None, note=note,
        at=member.updated_at,
    ))


def _event_fields(member: Member, actor: Principal | None, note: str | None) -> dict[str, object]:
    return {"member_id": member.id, "name": member.name, "kind": member.kind, "status": member.status,
            "actor_id": actor.user_id if actor else None, "note": note, "contact_email": member.contact_email,
            "locale": member.locale, "at": member.updated_at}


async def _ensure_unique(tx: UnitOfWork, *, code: str | None, corporate_number: str | None) -> None:
    holding = [s.value for s in HOLDING_STATUSES]
    for column, value, ja, en in (
        (Member.local_government_code, code, "この団体コードは既に登録されています。",
         "A membership already exists for this local government code."),
        (Member.corporate_number, corporate_number, "この法人番号は既に登録されています。",
         "A membership already exists for this corporate number."),
    ):
        if value is None:
            continue
        existing = await tx.session.scalar(select(Member.id).where(column == value, Member.status.in_(holding)))
        if existing is not None:
            raise Conflict(ja=ja, en=en, existing_member_id=str(existing))


async def apply(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, data: MemberApplicationCreate) -> Member:
    """Submit a membership application; local governments are named from the official list."""
    lg = gazetteer.lookup(data.local_government_code) if data.local_government_code else None
    if requires_local_government_code(data.kind) and lg is None:
        lg = None  # reported by validate_application below
    problems = validate_application(data.kind, data.legal_form, lg, data.corporate_number, data.name)
    if problems:
        raise ValidationFailed(problems)
    corporate = "".join(ch for ch in (data.corporate_number or "") if ch.isdigit()) or None
    now = utcnow()
    async with uow() as tx:
        await _ensure_unique(tx, code=lg.code if lg else None, corporate_number=corporate)
        member = Member(
            id=new_event_id(), kind=data.kind.value, legal_form=data.legal_form.value if data.legal_form else None,
            name=lg.full_name if lg and data.kind == MemberKind.municipality else (lg.name if lg else data.name or ""),
            name_kana=lg.kana if lg else None, local_government_code=lg.code if lg else None,
            corporate_number=corporate, prefecture_code=lg.prefecture_code if lg else None,
            block=lg.block if lg else None, status=MemberStatus.submitted.value, contact_name=data.contact_name,
            contact_email=str(data.contact_email), website=data.website, locale=data.locale,
            created_at=now, updated_at=now, submitted_at=now,
        )
        tx.session.add(member)
        _record(tx, member, Action.submit.value, None, None, None)
        tx.emit(MemberApplied(**_event_fields(member, None, None)))  # type: ignore[arg-type]
        await tx.commit()
    return member


async def approve(*, uow: UnitOfWorkFactory, member_id: UUID, reviewer: Principal, note: str | None) -> Member:
    reviewer.require_operator()
    async with uow() as tx:
        member = await tx.session.get(Member, member_id)
        if member is None:
            raise NotFound()
        step = plan_transition(member.status, Action.approve, note=note)
        member.status, member.updated_at = step.to_status.value, utcnow()
        member.approved_at = member.updated_at
        _record(tx, member, Action.approve.value, step.from_status.value, reviewer, note)
        tx.emit(MemberApproved(**_event_fields(member, reviewer, note)))  # type: ignore[arg-type]
        await tx.commit()
    return member


async def get_member(*, uow: UnitOfWorkFactory, member_id: UUID, viewer: Principal) -> Member:
    viewer.require_member(member_id)
    async with uow.read() as session:
        member = await session.get(Member, member_id)
    if member is None:
        raise NotFound()
    return member


async def authenticate(*, uow: UnitOfWorkFactory, email: str, password: str) -> Principal:
    async with uow.read() as session:
        user = await session.scalar(select(User).where(User.email == email.lower()))
    if user is None or not verify_password(user.password_hash, password):
        raise Unauthorized(ja="メールアドレスまたはパスワードが違います。", en="Wrong email or password.")
    return Principal(user_id=user.id, email=user.email, role=user.role, member_id=user.member_id)
