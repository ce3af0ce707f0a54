"""Membership use cases: apply, move through the workflow, edit, read.

Every state change appends a history row and emits its versioned event in the
same unit of work, so the outbox and the table never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from kit.contracts import registry as events
from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.web.auth import Principal
from services.registry import repository as repo
from services.registry.audit import record_audit
from services.registry.domain.corporate_number import normalise_corporate_number
from services.registry.domain.local_government import Gazetteer, LocalGovernment
from services.registry.domain.membership import (
    Action,
    MemberKind,
    MemberStatus,
    plan_transition,
    requires_local_government_code,
    validate_application,
)
from services.registry.domain.similarity import near_duplicates
from services.registry.domain.text import nfkc
from services.registry.models import Member, MemberHistory
from services.registry.schemas import MemberApplicationCreate, MemberUpdate

EVENTS: dict[str, type[events._MemberEvent]] = {
    "applied": events.MemberApplied, "approved": events.MemberApproved, "rejected": events.MemberRejected,
    "returned": events.MemberReturned, "suspended": events.MemberSuspended, "withdrawn": events.MemberWithdrawn,
    "updated": events.MemberUpdated,
}
# Who may take each action besides an operator: a member's own admin submits and withdraws.
MEMBER_ACTIONS = frozenset({Action.submit, Action.withdraw})
EDITABLE_IDENTITY = frozenset({MemberStatus.draft.value, MemberStatus.returned.value})
ENDED = frozenset({MemberStatus.rejected.value, MemberStatus.withdrawn.value})


def record(tx: UnitOfWork, member: Member, action: str, from_status: str | None, actor: Principal | None,
           note: str | None, verb: str) -> None:
    """Append the history row and emit the event; the one path every change takes."""
    tx.session.add(MemberHistory(
        id=new_event_id(), member_id=member.id, action=action, from_status=from_status, to_status=member.status,
        actor_id=actor.user_id if actor else None, actor_email=actor.email if actor else None, note=note,
        at=member.updated_at,
    ))
    tx.emit(EVENTS[verb](
        member_id=member.id, name=member.name, kind=member.kind, status=member.status,
        actor_id=actor.user_id if actor else None, note=note, contact_email=member.contact_email,
        locale=member.locale, at=member.updated_at,
    ))


def _conflict(existing: UUID, *, code: bool) -> Conflict:
    what = ("この地方公共団体コード", "this local government code") if code else (
        "この法人番号", "this corporate number")
    return Conflict(ja=f"{what[0]}の会員登録は既にあります。", en=f"A membership already exists for {what[1]}.",
                    existing_member_id=str(existing), existing_member_url=f"/registry/api/v1/members/{existing}")


async def ensure_unique(tx: UnitOfWork, *, code: str | None, corporate_number: str | None,
                        exclude: UUID | None = None) -> None:
    """At most one holding membership per local-government code and per 法人番号 (409 names it)."""
    if (held := await repo.holder_of(tx.session, code=code, exclude=exclude)) is not None:
        raise _conflict(held, code=True)
    if (held := await repo.holder_of(tx.session, corporate_number=corporate_number, exclude=exclude)) is not None:
        raise _conflict(held, code=False)


def resolve_application(gazetteer: Gazetteer, data: MemberApplicationCreate) -> tuple[LocalGovernment | None,
                                                                                       str | None]:
    """Validate everything at once; returns the local government and the normalised 法人番号."""
    lg = None
    problems: list[FieldProblem] = []
    if requires_local_government_code(data.kind) and data.local_government_code:
        try:
            lg = gazetteer.lookup(data.local_government_code)
        except ValidationFailed as exc:
            problems += exc.problems
        except NotFound:  # well-formed, but not in the official list: a field problem here, not a 404
            problems.append(FieldProblem("local_government_code", "unknown",
                                         ja="この地方公共団体コードは公式の一覧にありません。",
                                         en="This code is not in the official list of local governments."))
        if lg is not None and lg.kind != data.kind.value:
            problems.append(FieldProblem("local_government_code", "kind_mismatch",
                                         ja="種別（都道府県・市区町村）とコードが一致しません。",
                                         en="The code does not belong to a local government of this kind."))
    if not problems:
        problems = validate_application(data.kind, data.legal_form, lg, data.corporate_number, data.name)
    if problems:
        raise ValidationFailed(problems)
    corporate = normalise_corporate_number(data.corporate_number) if data.corporate_number else None
    return lg, corporate or None


def new_member(data: MemberApplicationCreate, lg: LocalGovernment | None, corporate: str | None,
               status: MemberStatus, now: datetime) -> Member:
    return Member(
        id=new_event_id(), kind=data.kind.value, legal_form=data.legal_form.value if data.legal_form else None,
        name=lg.full_name if lg else (data.name or ""),
        name_kana=lg.kana if lg else (nfkc(data.name_kana).strip() if data.name_kana else None),
        local_government_code=lg.code if lg else None, corporate_number=corporate,
        prefecture_code=lg.prefecture_code if lg else None, block=lg.block if lg else None,
        status=status.value, contact_name=data.contact_name, contact_email=str(data.contact_email).lower(),
        website=data.website, locale=data.locale, directory_opt_in=data.directory_opt_in,
        activity_tags=list(data.activity_tags), similar_to=[], created_at=now, updated_at=now,
        submitted_at=None if status == MemberStatus.draft else now,
    )


async def flag_similar(tx: UnitOfWork, member: Member) -> None:
    """Near-duplicate organisation names are flagged for the reviewer, not refused."""
    if requires_local_government_code(MemberKind(member.kind)):
        return
    existing = await repo.organisation_names(tx.session, exclude=member.id)
    member.similar_to = [member_id for member_id, _ in near_duplicates(member.name, existing)][:5]


async def create_application(tx: UnitOfWork, gazetteer: Gazetteer, data: MemberApplicationCreate,
                             actor: Principal | None = None) -> Member:
    """Insert an application inside the caller's unit of work (used by apply and by CSV import)."""
    lg, corporate = resolve_application(gazetteer, data)
    await ensure_unique(tx, code=lg.code if lg else None, corporate_number=corporate)
    status = MemberStatus.draft if data.draft else MemberStatus.submitted
    member = new_member(data, lg, corporate, status, utcnow())
    await flag_similar(tx, member)
    tx.session.add(member)
    await tx.session.flush()
    if status == MemberStatus.submitted:
        record(tx, member, Action.submit.value, None, actor, None, "applied")
    else:
        record(tx, member, "create_draft", None, actor, None, "updated")
    return member


async def transition(*, uow: UnitOfWorkFactory, member_id: UUID, action: Action, actor: Principal,
                     note: str | None) -> Member:
    """Move a membership one step; 409 if the workflow does not allow it, nothing written."""
    action = Action(action)
    if action in MEMBER_ACTIONS:
        actor.require_member(member_id, admin=True)
    else:
        actor.require_member(member_id)
        if not actor.is_operator:
            raise Forbidden(ja="この操作は事務局のみが行えます。", en="Only operators may do this.")
    async with uow() as tx:
        member = await repo.member_or_404(tx.session, member_id)
        step = plan_transition(member.status, action, note=note)
        if action == Action.submit:  # a returned application may have been edited since
            await ensure_unique(tx, code=member.local_government_code, corporate_number=member.corporate_number,
                                exclude=member.id)
        now = utcnow()
        member.status, member.updated_at = step.to_status.value, now
        if action == Action.submit:
            member.submitted_at = now
        if action == Action.approve:
            member.approved_at = now
        if step.to_status.value in ENDED:
            member.ended_at = now
        record(tx, member, action.value, step.from_status.value, actor, note, step.event_verb)
        record_audit(tx, actor, f"member.{action.value}", "member", member.id, note=note)
        await tx.commit()
    return member


async def update_member(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, member_id: UUID, actor: Principal,
                        data: MemberUpdate) -> Member:
    actor.require_member(member_id, admin=True)
    changes = data.model_dump(exclude_unset=True)
    identity = {"name", "name_kana", "legal_form", "corporate_number"} & changes.keys()
    async with uow() as tx:
        member = await repo.member_or_404(tx.session, member_id)
        if identity and member.status not in EDITABLE_IDENTITY and not actor.is_operator:
            raise Conflict(ja="申請後の団体情報は、差し戻し中のみ変更できます。",
                           en="Organisation details can be changed only while the application is returned.")
        if identity:
            await _apply_identity(tx, gazetteer, member, changes)
        for key in ("contact_name", "website", "locale", "directory_opt_in", "activity_tags"):
            if key in changes:
                setattr(member, key, changes[key] if key != "activity_tags" else list(changes[key] or []))
        if changes.get("contact_email"):
            member.contact_email = str(changes["contact_email"]).lower()
        member.updated_at = utcnow()
        record(tx, member, "update", member.status, actor, ", ".join(sorted(changes)), "updated")
        record_audit(tx, actor, "member.update", "member", member.id, fields=sorted(changes))
        await tx.commit()
    return member


async def _apply_identity(tx: UnitOfWork, gazetteer: Gazetteer, member: Member, changes: dict[str, object]) -> None:
    if requires_local_government_code(MemberKind(member.kind)) and {"name", "name_kana"} & changes.keys():
        raise ValidationFailed([FieldProblem("name", "not_allowed", ja="地方公共団体の名称は公式の一覧から決まります。",
                                             en="A local government's name comes from the official list.")])
    merged = MemberApplicationCreate(
        kind=MemberKind(member.kind), legal_form=changes.get("legal_form", member.legal_form),  # type: ignore[arg-type]
        name=changes.get("name", member.name),  # type: ignore[arg-type]
        local_government_code=member.local_government_code,
        corporate_number=changes.get("corporate_number", member.corporate_number),  # type: ignore[arg-type]
        contact_name=member.contact_name, contact_email=member.contact_email,
    )
    _, corporate = resolve_application(gazetteer, merged)
    await ensure_unique(tx, code=None, corporate_number=corporate, exclude=member.id)
    member.name = merged.name or member.name
    member.legal_form = merged.legal_form.value if merged.legal_form else None
    member.corporate_number = corporate
    if "name_kana" in changes:
        member.name_kana = nfkc(str(changes["name_kana"] or "")).strip() or None
    await flag_similar(tx, member)


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
    viewer.require_operator()
    async with uow.read() as session:
        found = await repo.members(session, status=status, q=q)
    return found[offset:offset + limit], len(found)


async def review_queue(*, uow: UnitOfWorkFactory, viewer: Principal, limit: int = 100) -> tuple[dict[str, int],
                                                                                              Sequence[Member]]:
    viewer.require_operator()
    async with uow.read() as session:
        return await repo.status_counts(session), await repo.waiting_for_review(session, limit)
