"""Minting and redeeming the emailed links a use case sends (invitations, sign-in, passwords)."""

from __future__ import annotations

from uuid import UUID

from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork
from services.registry.access import repository as repo
from services.registry.access.domain.links import TTL, Purpose, invalid_link, link_url, new_link, open_link
from services.registry.config import LinkSettings
from services.registry.models import EmailToken


def mint(tx: UnitOfWork, keys: LinkSettings, purpose: Purpose, email: str, *, member_id: UUID | None = None,
         role: str | None = None, created_by: UUID | None = None) -> tuple[str, EmailToken]:
    """(URL to email, stored token): the token row is added to the caller's transaction."""
    signed, digest = new_link(keys.secret, purpose)
    now = utcnow()
    token = EmailToken(id=new_event_id(), token_hash=digest, purpose=purpose, email=email, member_id=member_id,
                       role=role, created_by=created_by, created_at=now, expires_at=now + TTL[purpose])
    tx.session.add(token)
    return link_url(keys.base_url, purpose, signed), token


async def redeem(tx: UnitOfWork, keys: LinkSettings, purpose: Purpose, signed: str) -> EmailToken:
    """Mark the link used (single use); 401 if forged, expired, used or for another purpose."""
    digest = open_link(keys.secret, purpose, signed)
    token = await repo.usable_token(tx.session, digest, purpose, utcnow())
    if token is None:
        raise invalid_link()
    token.used_at = utcnow()
    return token
