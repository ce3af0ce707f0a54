"""Member records: read one, its history, edit it, list and page them, the review queue."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, ValidationFailed
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.domain.kinds import MemberKind, RmoLegalForm
from services.registry.domain.local_government import Gazetteer
from services.registry.domain.text import nfkc
from services.registry.membership import repository as repo
from services.registry.membership.domain.eligibility import requires_local_government_code
from services.registry.membership.domain.workflow import MemberStatus
from services.registry.membership.repository import MemberFilter
from services.registry.membership.schemas import MemberApplicationCreate, MemberUpdate
from services.registry.membership.service.applications import ensure_unique, flag_similar, resolve_application
from services.registry.membership.service.audit import record_audit
from services.registry.membership.service.history import record
from services.registry.models import Member, MemberHistory

EDITABLE_IDENTITY = frozenset({MemberStatus.draft.value, MemberStatus.returned.value})
IDENTITY_FIELDS = frozenset({"name", "name_kana", "legal_form", "corporate_number"})
CONTACT_FIELDS = ("contact_name", "website", "locale", "directory_opt_in")
REVIEW_QUEUE_SIZE = 100


async def get_member(*, uow: UnitOfWorkFactory, member_id: UUID, viewer: Principal) -> Member:
    viewer.require_member(member_id)
    async with uow.read() as session:
        return await repo.member_or_404(session, member_id)


async def member_history(*, uow: UnitOfWorkFactory, member_id: UUID, viewer: Principal) -> Sequence[MemberHistory]:
    viewer.require_member(member_id)
    async with uow.read() as session:
        await repo.member_or_404(session, member_id)
        return await repo.history(session, member_id)


async def list_members(*, uow: UnitOfWorkFactory, viewer: Principal, status: str | None, q: str | None,
                       offset: int, limit: int) -> tuple[Sequence[Member], int]:
    """One page of every member (operators only), and the total."""
    viewer.require_operator()
    async with uow.read() as session:
        return await repo.member_page(session, MemberFilter(status=status, q=q), offset=offset, limit=limit)


async def review_queue(*, uow: UnitOfWorkFactory, viewer: Principal,
                       limit: int = REVIEW_QUEUE_SIZE) -> tuple[dict[str, int], Sequence[Member]]:
    viewer.require_operator()
    async with uow.read() as session:
        return await repo.status_counts(session), await repo.waiting_for_review(session, limit)


async def update_member(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, member_id: UUID, actor: Principal,
                        data: MemberUpdate) -> Member:
    actor.require_member(member_id, admin=True)
    changes = data.model_dump(exclude_unset=True)
    identity = IDENTITY_FIELDS & changes.keys()
    async with uow() as tx:
        member = await repo.member_or_404(tx.session, member_id)
        if identity and member.status not in EDITABLE_IDENTITY and not actor.is_operator:
            raise Conflict(ja="申請後の団体情報は、差し戻し中のみ変更できます。",
                           en="Organisation details can be changed only while the application is returned.")
        if identity:
            await _apply_identity(tx, gazetteer, member, data, set(changes))
        for key in CONTACT_FIELDS:
            if key in changes:
                setattr(member, key, changes[key])
        if "activity_tags" in changes:
            member.activity_tags = list(changes["activity_tags"] or [])
        if changes.get("contact_email"):
            member.contact_email = str(changes["contact_email"]).lower()
        member.updated_at = utcnow()
        record(tx, member, "update", member.status, actor, ", ".join(sorted(changes)), "updated")
        record_audit(tx, actor, "member.update", "member", member.id, fields=sorted(changes))
        await tx.commit()
    return member


async def _apply_identity(tx: UnitOfWork, gazetteer: Gazetteer, member: Member, data: MemberUpdate,
                          changed: set[str]) -> None:
    """Re-check the identity as a whole application would be checked, then take it."""
    if requires_local_government_code(MemberKind(member.kind)) and {"name", "name_kana"} & changed:
        raise ValidationFailed([FieldProblem("name", "not_allowed", ja="地方公共団体の名称は公式の一覧から決まります。",
                                             en="A local government's name comes from the official list.")])
    legal_form = data.legal_form if "legal_form" in changed else (
        RmoLegalForm(member.legal_form) if member.legal_form else None)
    merged = MemberApplicationCreate(
        kind=MemberKind(member.kind), legal_form=legal_form,
        name=data.name if "name" in changed else member.name,
        local_government_code=member.local_government_code,
        corporate_number=data.corporate_number if "corporate_number" in changed else member.corporate_number,
        contact_name=member.contact_name, contact_email=member.contact_email,
    )
    _, corporate = resolve_application(gazetteer, merged)
    await ensure_unique(tx, code=None, corporate_number=corporate, exclude=member.id)
    member.name = merged.name or member.name
    member.legal_form = merged.legal_form.value if merged.legal_form else None
    member.corporate_number = corporate
    if "name_kana" in changed:
        member.name_kana = nfkc(data.name_kana or "").strip() or None
    await flag_similar(tx, member)
