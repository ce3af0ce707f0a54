"""People: applicants, staff invitations, sign-in by password or emailed link.

Links are emailed by notify from the StaffInvited / LoginLinkRequested events;
registry keeps only each link's hash and marks it used on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from kit.contracts.registry import LoginLinkRequested, StaffInvited
from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.errors import Conflict, NotFound, Unauthorized
from kit.messaging.envelope import new_event_id
from kit.web.auth import MEMBER_ADMIN, Principal
from services.registry import links
from services.registry import repository as repo
from services.registry.audit import record_audit
from services.registry.config import INVITE_TTL, LOGIN_LINK_TTL, PASSWORD_LINK_TTL
from services.registry.domain.local_government import Gazetteer
from services.registry.members import create_application
from services.registry.models import EmailToken, Member, User
from services.registry.passwords import hash_password, verify_password
from services.registry.schemas import MemberApplicationCreate

TTL = {links.INVITE: INVITE_TTL, links.LOGIN: LOGIN_LINK_TTL, links.PASSWORD: PASSWORD_LINK_TTL}


@dataclass(frozen=True)
class LinkSettings:
    """What a use case needs to mint links: the signing key and the public address."""

    secret: str
    base_url: str


def principal_of(user: User) -> Principal:
    return Principal(user_id=user.id, email=user.email, role=user.role, member_id=user.member_id)


def _mint(tx: UnitOfWork, keys: LinkSettings, purpose: str, email: str, *, member_id: UUID | None = None,
          role: str | None = None, created_by: UUID | None = None) -> tuple[str, EmailToken]:
    signed, digest = links.new_link(keys.secret, purpose)
    now = utcnow()
    token = EmailToken(id=new_event_id(), token_hash=digest, purpose=purpose, email=email, member_id=member_id,
                       role=role, created_by=created_by, created_at=now, expires_at=now + TTL[purpose])
    tx.session.add(token)
    return links.link_url(keys.base_url, purpose, signed), token


async def _redeem(tx: UnitOfWork, keys: LinkSettings, purpose: str, signed: str) -> EmailToken:
    digest = links.open_link(keys.secret, purpose, signed, int(TTL[purpose].total_seconds()))
    token = await repo.usable_token(tx.session, digest, purpose, utcnow())
    if token is None:
        raise links.invalid_link()
    token.used_at = utcnow()
    return token


async def apply(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, keys: LinkSettings,
                data: MemberApplicationCreate) -> tuple[Member, User]:
    """Submit (or draft) an application; the applicant becomes the member's first admin.

    The applicant is emailed a link to set a password (LoginLinkRequested, purpose "password").
    """
    email = str(data.contact_email).lower()
    async with uow() as tx:
        if await repo.user_by_email(tx.session, email) is not None:
            raise Conflict(ja="このメールアドレスは既に登録されています。ログインしてからお申し込みください。",
                           en="This email address is already registered. Please sign in first.", field="contact_email")
        member = await create_application(tx, gazetteer, data)
        user = User(id=new_event_id(), email=email, display_name=data.contact_name, role=MEMBER_ADMIN,
                    member_id=member.id, created_at=utcnow())
        tx.session.add(user)
        url, token = _mint(tx, keys, links.PASSWORD, email, member_id=member.id)
        tx.emit(LoginLinkRequested(email=email, login_url=url, expires_at=token.expires_at, locale=data.locale,
                                   purpose=links.PASSWORD))
        await tx.commit()
    return member, user


async def authenticate(*, uow: UnitOfWorkFactory, email: str, password: str) -> Principal:
    async with uow.read() as session:
        user = await repo.user_by_email(session, email)
    # verify even for unknown users so timing does not reveal who has an account
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok:
        raise Unauthorized(ja="メールアドレスまたはパスワードが違います。", en="Wrong email or password.")
    return principal_of(user)


_DUMMY_HASH = hash_password("not-a-real-password-just-for-timing")


async def request_login_link(*, uow: UnitOfWorkFactory, keys: LinkSettings, email: str, locale: str) -> None:
    """Email a sign-in link if the address has an account; answer the same either way."""
    async with uow() as tx:
        user = await repo.user_by_email(tx.session, email)
        if user is not None:
            url, token = _mint(tx, keys, links.LOGIN, user.email, member_id=user.member_id)
            tx.emit(LoginLinkRequested(email=user.email, login_url=url, expires_at=token.expires_at, locale=locale,
                                       purpose=links.LOGIN))
        await tx.commit()


async def redeem_login_link(*, uow: UnitOfWorkFactory, keys: LinkSettings, token: str) -> Principal:
    async with uow() as tx:
        used = await _redeem(tx, keys, links.LOGIN, token)
        user = await repo.user_by_email(tx.session, used.email)
        if user is None:
            raise links.invalid_link()
        await tx.commit()
    return principal_of(user)


async def set_password(*, uow: UnitOfWorkFactory, keys: LinkSettings, token: str, password: str) -> Principal:
    async with uow() as tx:
        used = await _redeem(tx, keys, links.PASSWORD, token)
        user = await repo.user_by_email(tx.session, used.email)
        if user is None:
            raise links.invalid_link()
        user.password_hash = hash_password(password)
        await tx.commit()
    return principal_of(user)


async def invite_staff(*, uow: UnitOfWorkFactory, keys: LinkSettings, member_id: UUID, actor: Principal,
                       email: str, role: str, locale: str) -> EmailToken:
    actor.require_member(member_id, admin=True)
    email = email.lower()
    async with uow() as tx:
        member = await repo.member_or_404(tx.session, member_id)
        if await repo.user_by_email(tx.session, email) is not None:
            raise Conflict(ja="このメールアドレスの利用者は既にいます。", en="A user with this email already exists.",
                           field="email")
        url, token = _mint(tx, keys, links.INVITE, email, member_id=member.id, role=role, created_by=actor.user_id)
        tx.emit(StaffInvited(member_id=member.id, member_name=member.name, email=email, role=role, invite_url=url,
                             expires_at=token.expires_at, locale=locale))
        record_audit(tx, actor, "staff.invite", "member", member.id, email=email, role=role)
        await tx.commit()
    return token


async def accept_invitation(*, uow: UnitOfWorkFactory, keys: LinkSettings, token: str, display_name: str,
                            password: str) -> Principal:
    async with uow() as tx:
        invite = await _redeem(tx, keys, links.INVITE, token)
        if await repo.user_by_email(tx.session, invite.email) is not None:
            raise Conflict(ja="この招待は既に使われています。", en="This invitation has already been used.")
        user = User(id=new_event_id(), email=invite.email, display_name=display_name, role=invite.role or "staff",
                    member_id=invite.member_id, password_hash=hash_password(password), created_at=utcnow())
        tx.session.add(user)
        await tx.commit()
    return principal_of(user)


async def list_staff(*, uow: UnitOfWorkFactory, member_id: UUID, viewer: Principal) -> Sequence[User]:
    viewer.require_member(member_id)
    async with uow.read() as session:
        await repo.member_or_404(session, member_id)
        return await repo.staff_of(session, member_id)


async def remove_staff(*, uow: UnitOfWorkFactory, member_id: UUID, user_id: UUID, actor: Principal) -> None:
    actor.require_member(member_id, admin=True)
    async with uow() as tx:
        user = await tx.session.get(User, user_id)
        if user is None or user.member_id != member_id:
            raise NotFound(ja="利用者が見つかりません。", en="User not found.")
        admins = [u for u in await repo.staff_of(tx.session, member_id) if u.role == MEMBER_ADMIN]
        if user.role == MEMBER_ADMIN and len(admins) <= 1:
            raise Conflict(ja="最後の管理者は削除できません。", en="The last admin cannot be removed.")
        await tx.session.delete(user)
        record_audit(tx, actor, "staff.remove", "member", member_id, email=user.email)
        await tx.commit()

