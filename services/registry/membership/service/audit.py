"""The operators' audit log: written in the same transaction as the act it records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.membership import repository as repo
from services.registry.models import AuditEntry


def record_audit(tx: UnitOfWork, actor: Principal, action: str, target_type: str, target_id: object | None,
                 **detail: Any) -> None:
    """Only operators' acts are audited; members' own changes live in the member history."""
    if not actor.is_operator:
        return
    tx.session.add(AuditEntry(id=new_event_id(), actor_id=actor.user_id, actor_email=actor.email, action=action,
                              target_type=target_type, target_id=None if target_id is None else str(target_id),
                              detail=detail, at=utcnow()))


async def list_audit(*, uow: UnitOfWorkFactory, viewer: Principal, offset: int, limit: int) -> Sequence[AuditEntry]:
    viewer.require_operator()
    async with uow.read() as session:
        items, _ = await repo.audit_entries(session, limit=limit, offset=offset)
    return items
