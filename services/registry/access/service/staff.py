"""A member's staff: invite by email, accept the invitation, list, remove (never the last admin)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from kit.contracts.base import Locale
from kit.contracts.registry import StaffInvited
from kit.db.types import utcnow
from kit.errors import Conflict, NotFound
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.access import repository as repo
from services.registry.access.domain import links
from services.registry.access.domain.passwords import hash_password
from services.registry.access.domain.roles import ADMIN, STAFF, StaffRole, check_removal
from services.registry.access.service.links import mint, redeem
from services.registry.access.service.signin import principal_of
from services.registry.config import LinkSettings
from services.registry.membership.repository import member_or_404
from services.registry.membership.service.audit import record_audit
from services.registry.models import EmailToken, User


async def invite_staff(*, uow: UnitOfWorkFactory, keys: LinkSettings, member_id: UUID, actor: Principal,
                       email: str, role: StaffRole, locale: Locale) -> EmailToken:
    actor.require_member(member_id, admin=True)
    email = email.lower()
    async with uow() as tx:
        member = await member_or_404(tx.session, member_id)
        if await repo.user_by_email(tx.session, email) is not None:
            raise Conflict(ja="このメールアドレスの利用者は既にいます。", en="A user with this email already exists.",
                           field="email")
        url, token = mint(tx, keys, links.INVITE, email, member_id=member.id, role=role, created_by=actor.user_id)
        tx.emit(StaffInvited(member_id=member.id, member_name=member.name, email=email, role=role, invite_url=url,
                             expires_at=token.expires_at, locale=locale))
        record_audit(tx, actor, "staff.invite", "member", member.id, email=email, role=role)
        await tx.commit()
    return token


async def accept_invitation(*, uow: UnitOfWorkFactory, keys: LinkSettings, token: str, display_name: str,
                            password: str) -> Principal:
    async with uow() as tx:
        invite = await redeem(tx, keys, links.INVITE, token)
        if await repo.user_by_email(tx.session, invite.email) is not None:
            raise Conflict(ja="この招待は既に使われています。", en="This invitation has already been used.")
        user = User(id=new_event_id(), email=invite.email, display_name=display_name, role=invite.role or STAFF,
                    member_id=invite.member_id, password_hash=hash_password(password), created_at=utcnow())
        tx.session.add(user)
        await tx.commit()
    return principal_of(user)


async def list_staff(*, uow: UnitOfWorkFactory, member_id: UUID, viewer: Principal) -> Sequence[User]:
    viewer.require_member(member_id)
    async with uow.read() as session:
        await member_or_404(session, member_id)
        return await repo.staff_of(session, member_id)


async def remove_staff(*, uow: UnitOfWorkFactory, member_id: UUID, user_id: UUID, actor: Principal) -> None:
    actor.require_member(member_id, admin=True)
    async with uow() as tx:
        user = await tx.session.get(User, user_id)
        if user is None or user.member_id != member_id:
            raise NotFound(ja="利用者が見つかりません。", en="User not found.")
        check_removal(user.role, sum(1 for u in await repo.staff_of(tx.session, member_id) if u.role == ADMIN))
        await tx.session.delete(user)
        record_audit(tx, actor, "staff.remove", "member", member_id, email=user.email)
        await tx.commit()
