"""Demo data for `make up`: idempotent, so a second start changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.runtime import ServiceRuntime
from kit.web.auth import OPERATOR
from services.registry.models import User
from services.registry.passwords import hash_password

OPERATOR_EMAIL = "operator@kakawari-lab.example.jp"
OPERATOR_PASSWORD = "kakawari-operator-2026"


async def seed(runtime: ServiceRuntime) -> None:
    async with runtime.uow() as tx:
        if await tx.session.scalar(select(User.id).where(User.email == OPERATOR_EMAIL)) is None:
            tx.session.add(User(id=new_event_id(), email=OPERATOR_EMAIL, display_name="かかわりラボ事務局",
                                role=OPERATOR, password_hash=hash_password(OPERATOR_PASSWORD), created_at=utcnow()))
        await tx.commit()
