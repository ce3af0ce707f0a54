"""Moving a membership through the workflow: submit, approve, reject, return, activate, suspend, reinstate,
withdraw."""

from __future__ import annotations

from uuid import UUID

from kit.db.types import utcnow
from kit.errors import Forbidden
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.membership import repository as repo
from services.registry.membership.domain.workflow import Action, MemberStatus, plan_transition
from services.registry.membership.service.applications import ensure_unique
from services.registry.membership.service.audit import record_audit
from services.registry.membership.service.history import record
from services.registry.models import Member

# Who may take each action besides an operator: a member's own admin submits and withdraws.
MEMBER_ACTIONS = frozenset({Action.submit, Action.withdraw})
ENDED = frozenset({MemberStatus.rejected.value, MemberStatus.withdrawn.value})


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
