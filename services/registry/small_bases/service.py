"""Small bases' use cases: register one, list a member's, the figures beside the national ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from kit.contracts.registry import SmallBaseRegistered
from kit.db.types import utcnow
from kit.errors import FieldProblem, NotFound, ValidationFailed
from kit.jst import JST
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.domain.kinds import MemberKind
from services.registry.domain.local_government import Gazetteer, LocalGovernment
from services.registry.membership.repository import member_or_404
from services.registry.membership.service.audit import record_audit
from services.registry.models import SmallBase
from services.registry.small_bases import repository as repo
from services.registry.small_bases.domain.rules import (
    NATIONAL_TARGET,
    REFERENCE,
    check_area,
    check_is_municipality,
    check_opened_on,
    check_registrant,
    check_runner,
)
from services.registry.small_bases.schemas import SmallBaseCreate, SmallBaseStats


def _municipality(gazetteer: Gazetteer, code: str) -> LocalGovernment:
    try:
        return gazetteer.lookup(code, field="municipality_code")
    except NotFound as exc:  # well-formed, but not in the official list: a field problem here, not a 404
        raise ValidationFailed([FieldProblem(
            "municipality_code", "unknown", ja="この地方公共団体コードは公式の一覧にありません。",
            en="This code is not in the official list of local governments.")]) from exc


def registered(base: SmallBase) -> SmallBaseRegistered:
    """A base on the platform, counted against the national target (the console's figure)."""
    return SmallBaseRegistered(small_base_id=base.id, member_id=base.member_id, name=base.name,
                               municipality_code=base.municipality_code, prefecture_code=base.prefecture_code,
                               opened_on=base.opened_on, at=base.created_at)


async def register_base(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, member_id: UUID, actor: Principal,
                        data: SmallBaseCreate) -> SmallBase:
    actor.require_member(member_id)
    lg = _municipality(gazetteer, data.municipality_code)
    check_is_municipality(lg)
    check_opened_on(data.opened_on, datetime.now(JST).date())
    async with uow() as tx:
        member = await member_or_404(tx.session, member_id)
        check_registrant(member.kind)
        check_area(lg, member_kind=member.kind, member_code=member.local_government_code)
        rmo_id = data.operator_member_id or (member.id if member.kind == MemberKind.rmo.value else None)
        if rmo_id is not None:
            check_runner(await repo.member_kind(tx.session, rmo_id))
        base = SmallBase(id=new_event_id(), member_id=member.id, name=data.name, municipality_code=lg.code,
                         prefecture_code=lg.prefecture_code, services=list(data.services),
                         operator_member_id=rmo_id, opened_on=data.opened_on, created_at=utcnow())
        tx.session.add(base)
        tx.emit(registered(base))
        record_audit(tx, actor, "small_base.register", "member", member.id, name=data.name)
        await tx.commit()
    return base


async def list_bases(*, uow: UnitOfWorkFactory, member_id: UUID, viewer: Principal) -> Sequence[SmallBase]:
    viewer.require_member(member_id)
    async with uow.read() as session:
        await member_or_404(session, member_id)
        return await repo.bases_of(session, member_id)


async def base_stats(*, uow: UnitOfWorkFactory) -> SmallBaseStats:
    async with uow.read() as session:
        total, run_by_rmo, by_prefecture = await repo.counts(session)
    return SmallBaseStats(total=total, run_by_rmo=run_by_rmo, by_prefecture=by_prefecture,
                          national_target=NATIONAL_TARGET, reference=REFERENCE)
