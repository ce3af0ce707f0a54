"""Erasing a person at their request (APPI): the registry forgets them and tells every service.

An operator acts on a person's written request. Their account and pending links go; their
address is blanked in the member history and the audit log (the entries themselves stay, as
the record of what was done); and `registry.person.erased.v1` asks every other service to
blank its own copy. A member's last admin cannot be erased: the member would be left with no
one to act for it, so another admin is invited first.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from kit.contracts.registry import PersonErased
from kit.db.types import utcnow
from kit.errors import Conflict
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import OPERATOR, Principal
from services.registry.access import repository as repo
from services.registry.access.domain.roles import ADMIN
from services.registry.membership.service.audit import record_audit
from services.registry.models import AuditEntry, EmailToken, MemberHistory, User


async def erase_person(*, uow: UnitOfWorkFactory, actor: Principal, email: str) -> None:
    actor.require_operator()
    email = email.strip().lower()
    async with uow() as tx:
        user = await tx.session.scalar(select(User).where(User.email == email))
        if user is not None:
            if user.role == OPERATOR:
                raise Conflict(ja="運営者のアカウントはこの手続きでは消去できません。",
                               en="An operator's account is not erased this way.")
            if user.member_id is not None and user.role == ADMIN:
                admins = [u for u in await repo.staff_of(tx.session, user.member_id) if u.role == ADMIN]
                if len(admins) <= 1:
                    raise Conflict(ja="最後の管理者は消去できません。先に別の管理者を招待してください。",
                                   en="The member's last admin cannot be erased; invite another admin first.")
            await tx.session.delete(user)
        await tx.session.execute(delete(EmailToken).where(EmailToken.email == email))
        for table in (MemberHistory, AuditEntry):
            await tx.session.execute(update(table).where(table.actor_email == email).values(actor_email=None))
        record_audit(tx, actor, "person.erase", "person", None)
        tx.emit(PersonErased(email=email, at=utcnow()))
        await tx.commit()

