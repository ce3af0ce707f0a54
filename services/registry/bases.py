"""小さな拠点 (small bases): registered by municipality and RMO members, counted against the target."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from uuid import UUID

from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.errors import FieldProblem, Forbidden, NotFound, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.web.auth import Principal
from services.registry import repository as repo
from services.registry.audit import record_audit
from services.registry.domain.kinds import MemberKind
from services.registry.domain.local_government import Gazetteer
from services.registry.models import SmallBase
from services.registry.schemas import SmallBaseCreate, SmallBaseStats

NATIONAL_TARGET = 1800  # by FY2027
# 2025 national survey (government status report): formed, and of those run by an RMO.
REFERENCE = {"survey_year": 2025, "formed": 1636, "run_by_rmo": 1386}
REGISTERING_KINDS = {MemberKind.municipality.value, MemberKind.rmo.value}


def _problem(field: str, code: str, ja: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, code, ja=ja, en=en)])


async def register_base(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, member_id: UUID, actor: Principal,
                        data: SmallBaseCreate) -> SmallBase:
    actor.require_member(member_id)
    try:
        lg = gazetteer.lookup(data.municipality_code, field="municipality_code")
    except NotFound as exc:
        raise _problem("municipality_code", "unknown", "この地方公共団体コードは公式の一覧にありません。",
                       "This code is not in the official list of local governments.") from exc
    if lg.kind != "municipality":
        raise _problem("municipality_code", "not_municipality", "市区町村のコードを入力してください。",
                       "Enter the code of a municipality.")
    async with uow() as tx:
        member = await repo.member_or_404(tx.session, member_id)
        if member.kind not in REGISTERING_KINDS:
            raise Forbidden(ja="小さな拠点は市区町村と地域運営組織が登録します。",
                            en="Small bases are registered by municipalities and RMOs.")
        if member.kind == MemberKind.municipality.value and member.local_government_code != lg.code:
            raise _problem("municipality_code", "other_municipality", "自らの市区町村内の拠点のみ登録できます。",
                           "A municipality registers the bases within its own area.")
        rmo_id = data.operator_member_id or (member.id if member.kind == MemberKind.rmo.value else None)
        if rmo_id is not None:
            runner = await tx.session.get(type(member), rmo_id)
            if runner is None or runner.kind != MemberKind.rmo.value:
                raise _problem("operator_member_id", "not_rmo", "運営する地域運営組織の会員IDが正しくありません。",
                               "The running organisation must be an RMO member.")
        base = SmallBase(id=new_event_id(), member_id=member.id, name=data.name, municipality_code=lg.code,
                         prefecture_code=lg.prefecture_code, services=list(data.services),
                         operator_member_id=rmo_id, opened_on=data.opened_on, created_at=utcnow())
        tx.session.add(base)
        record_audit(tx, actor, "small_base.register", "member", member.id, name=data.name)
        await tx.commit()
    return base


async def list_bases(*, uow: UnitOfWorkFactory, member_id: UUID, viewer: Principal) -> Sequence[SmallBase]:
    viewer.require_member(member_id)
    async with uow.read() as session:
        await repo.member_or_404(session, member_id)
        return await repo.small_bases(session, member_id)


async def base_stats(*, uow: UnitOfWorkFactory) -> SmallBaseStats:
    async with uow.read() as session:
        bases = await repo.small_bases(session)
    return SmallBaseStats(
        total=len(bases), run_by_rmo=sum(1 for b in bases if b.operator_member_id is not None),
        by_prefecture=dict(sorted(Counter(b.prefecture_code for b in bases).items())),
        national_target=NATIONAL_TARGET, reference=REFERENCE,
    )
