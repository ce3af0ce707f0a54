"""Signing in: by password, or by a single-use emailed link; setting a password from a link.

Links are emailed by notify from the LoginLinkRequested event; the registry keeps only each
link's hash and marks it used on first use.
"""

from __future__ import annotations

from kit.contracts.base import Locale
from kit.contracts.registry import LoginLinkRequested
from kit.errors import Unauthorized
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.access import repository as repo
from services.registry.access.domain import links
from services.registry.access.domain.passwords import hash_password, verify_password
from services.registry.access.service.links import mint, redeem
from services.registry.config import LinkSettings
from services.registry.models import User

# Verified against for unknown addresses, so the time taken does not reveal who has an account.
_DUMMY_HASH = hash_password("not-a-real-password-just-for-timing")


def principal_of(user: User) -> Principal:
    return Principal(user_id=user.id, email=user.email, role=user.role, member_id=user.member_id)


async def authenticate(*, uow: UnitOfWorkFactory, email: str, password: str) -> Principal:
    async with uow.read() as session:
        user = await repo.user_by_email(session, email)
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok:
        raise Unauthorized(ja="メールアドレスまたはパスワードが違います。", en="Wrong email or password.")
    return principal_of(user)


async def request_login_link(*, uow: UnitOfWorkFactory, keys: LinkSettings, email: str, locale: Locale) -> None:
    """Email a sign-in link if the address has an account; answer the same either way."""
    async with uow() as tx:
        user = await repo.user_by_email(tx.session, email)
        if user is not None:
            url, token = mint(tx, keys, links.LOGIN, user.email, member_id=user.member_id)
            tx.emit(LoginLinkRequested(email=user.email, login_url=url, expires_at=token.expires_at, locale=locale,
                                       purpose=links.LOGIN))
        await tx.commit()


async def redeem_login_link(*, uow: UnitOfWorkFactory, keys: LinkSettings, token: str) -> Principal:
    async with uow() as tx:
        used = await redeem(tx, keys, links.LOGIN, token)
        user = await repo.user_by_email(tx.session, used.email)
        if user is None:
            raise links.invalid_link()
        await tx.commit()
    return principal_of(user)


async def set_password(*, uow: UnitOfWorkFactory, keys: LinkSettings, token: str, password: str) -> Principal:
    async with uow() as tx:
        used = await redeem(tx, keys, links.PASSWORD, token)
        user = await repo.user_by_email(tx.session, used.email)
        if user is None:
            raise links.invalid_link()
        user.password_hash = hash_password(password)
        await tx.commit()
    return principal_of(user)
