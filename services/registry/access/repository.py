"""Access's queries: people who sign in and their emailed links. Nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.models import EmailToken, User


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def staff_of(session: AsyncSession, member_id: UUID) -> Sequence[User]:
    return (await session.scalars(select(User).where(User.member_id == member_id).order_by(User.created_at))).all()


async def usable_token(session: AsyncSession, token_hash: str, purpose: str, now: datetime) -> EmailToken | None:
    """The stored link if it is unused and unexpired."""
    token = await session.scalar(select(EmailToken).where(EmailToken.token_hash == token_hash,
                                                          EmailToken.purpose == purpose))
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    return token
