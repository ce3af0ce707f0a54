"""Demo data for `make up`: idempotent, so a second start changes nothing.

The demo memberships are history, not news: they are bulk-inserted with their past history
rows and emit no `registry.member.*` news, so 557 "approved" mails are not sent on first start.
The read models still need them, so the same transaction tells them as facts: one
`registry.member.imported` per member (its dated history) and one `registry.small_base.registered`
per base, which only the console subscribes to.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork
from kit.web.auth import MEMBER_ADMIN, OPERATOR
from services.registry.access.domain.passwords import hash_password
from services.registry.bootstrap import RegistryDeps
from services.registry.demo import HIDA, DemoData, build_demo, demo_bases
from services.registry.membership.service.history import imported
from services.registry.models import Member, MemberHistory, SmallBase, User
from services.registry.small_bases.service import registered

OPERATOR_EMAIL = "operator@kakawari-lab.example.jp"
OPERATOR_PASSWORD = "kakawari-operator-2026"
# Admin of 飛騨市's demo membership, for trying the member pages.
HIDA_ADMIN_EMAIL = "admin@city.hida.example.jp"
HIDA_ADMIN_PASSWORD = "hida-admin-2026"


async def seed_operator(deps: RegistryDeps) -> None:
    async with deps.uow() as tx:
        if await tx.session.scalar(select(User.id).where(User.email == OPERATOR_EMAIL)) is None:
            tx.session.add(User(id=new_event_id(), email=OPERATOR_EMAIL, display_name="かかわりラボ事務局",
                                role=OPERATOR, password_hash=hash_password(OPERATOR_PASSWORD), created_at=utcnow()))
        await tx.commit()


async def seed(deps: RegistryDeps) -> None:
    await seed_operator(deps)
    async with deps.uow() as tx:
        if await tx.session.scalar(select(Member.id).limit(1)) is not None:
            return  # members exist: demo already seeded, or real data
        data = build_demo(deps.gazetteer)
        bases = demo_bases(data, deps.gazetteer)
        await tx.session.execute(insert(Member), data.members)
        await tx.session.execute(insert(MemberHistory), data.history)
        await tx.session.execute(insert(SmallBase), bases)
        tell_read_models(tx, data, bases)
        tx.session.add(User(id=new_event_id(), email=HIDA_ADMIN_EMAIL, display_name="飛騨市 関係人口担当",
                            role=MEMBER_ADMIN, member_id=data.by_code[HIDA],
                            password_hash=hash_password(HIDA_ADMIN_PASSWORD), created_at=utcnow()))
        await tx.commit()


def tell_read_models(tx: UnitOfWork, data: DemoData, bases: list[dict[str, Any]]) -> None:
    """The demo as facts, in the seed's transaction: the rows are inserted in bulk, so the events are
    built from unsaved copies of them by the same functions the use cases use."""
    steps: dict[UUID, list[MemberHistory]] = defaultdict(list)
    for row in data.history:
        steps[row["member_id"]].append(MemberHistory(**row))
    for row in data.members:
        tx.emit(imported(Member(**row), steps[row["id"]]))
    for row in bases:
        tx.emit(registered(SmallBase(**row)))
