"""All of registry's queries. Nothing here commits; callers pass the session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import NotFound
from services.registry.domain.kinds import MemberKind
from services.registry.domain.membership import HOLDING_STATUSES, MemberStatus
from services.registry.domain.text import search_key
from services.registry.models import AuditEntry, EmailToken, Member, MemberHistory, SmallBase, User

_HOLDING = [s.value for s in HOLDING_STATUSES]
_LG_KINDS = [MemberKind.prefecture.value, MemberKind.municipality.value]


async def member_or_404(session: AsyncSession, member_id: UUID) -> Member:
    member = await session.get(Member, member_id)
    if member is None:
        raise NotFound(ja="会員が見つかりません。", en="Member not found.")
    return member


async def holder_of(session: AsyncSession, *, code: str | None = None, corporate_number: str | None = None,
                    exclude: UUID | None = None) -> UUID | None:
    """The membership that currently holds a local-government code or 法人番号, if any."""
    column, value = ((Member.local_government_code, code) if code is not None
                     else (Member.corporate_number, corporate_number))
    if value is None:
        return None
    query = select(Member.id).where(column == value, Member.status.in_(_HOLDING))
    if exclude is not None:
        query = query.where(Member.id != exclude)
    return await session.scalar(query.limit(1))


async def organisation_names(session: AsyncSession, exclude: UUID | None = None) -> list[tuple[str, str]]:
    """(id, name) of organisations holding a membership, for near-duplicate checks."""
    query = select(Member.id, Member.name).where(Member.status.in_(_HOLDING), Member.kind.not_in(_LG_KINDS))
    if exclude is not None:
        query = query.where(Member.id != exclude)
    return [(str(i), n) for i, n in (await session.execute(query)).all()]


async def history(session: AsyncSession, member_id: UUID) -> Sequence[MemberHistory]:
    return (await session.scalars(
        select(MemberHistory).where(MemberHistory.member_id == member_id)
        .order_by(MemberHistory.at, MemberHistory.id)
    )).all()


async def status_counts(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(Member.status, func.count()).group_by(Member.status))).all()
    counts = {s.value: 0 for s in MemberStatus}
    counts.update({status: int(n) for status, n in rows})
    return counts


async def waiting_for_review(session: AsyncSession, limit: int) -> Sequence[Member]:
    """Submitted applications, oldest first: first come, first reviewed."""
    return (await session.scalars(
        select(Member).where(Member.status == MemberStatus.submitted.value)
        .order_by(Member.submitted_at, Member.id).limit(limit)
    )).all()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def members(session: AsyncSession, *, status: str | None = None, q: str | None = None,
                  kind: str | None = None, block: str | None = None, prefecture_code: str | None = None,
                  directory_only: bool = False) -> Sequence[Member]:
    query = select(Member)
    if directory_only:
        query = query.where(Member.status == MemberStatus.active.value, Member.directory_opt_in.is_(True))
    if status:
        query = query.where(Member.status == status)
    if kind:
        query = query.where(Member.kind == kind)
    if block:
        query = query.where(Member.block == block)
    if prefecture_code:
        query = query.where(Member.prefecture_code == prefecture_code)
    if q and (key := search_key(q)):
        query = query.where(or_(Member.name.like(_like(key), escape="\\"),
                                Member.name_kana.like(_like(key), escape="\\"),
                                Member.name.like(_like(q.strip()), escape="\\")))
    return (await session.scalars(query.order_by(Member.name_kana, Member.name, Member.id))).all()


async def history_until(session: AsyncSession, cutoff: datetime) -> Sequence[tuple[UUID, str, datetime]]:
    rows = await session.execute(
        select(MemberHistory.member_id, MemberHistory.to_status, MemberHistory.at)
        .where(MemberHistory.at < cutoff).order_by(MemberHistory.at, MemberHistory.id)
    )
    return [(m, s, a) for m, s, a in rows.all()]


async def kinds_and_places(session: AsyncSession, ids: set[UUID]) -> Sequence[tuple[str, str | None, str | None]]:
    if not ids:
        return []
    rows = await session.execute(select(Member.id, Member.kind, Member.block, Member.prefecture_code))
    return [(k, b, p) for i, k, b, p in rows.all() if i in ids]


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def staff_of(session: AsyncSession, member_id: UUID) -> Sequence[User]:
    return (await session.scalars(select(User).where(User.member_id == member_id).order_by(User.created_at))).all()


async def usable_token(session: AsyncSession, token_hash: str, purpose: str, now: datetime) -> EmailToken | None:
    token = await session.scalar(select(EmailToken).where(EmailToken.token_hash == token_hash,
                                                          EmailToken.purpose == purpose))
    if token is None or token.used_at is not None or token.expires_at <= now:
        return None
    return token


async def audit_entries(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[AuditEntry], int]:
    total = await session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    items = (await session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    )).all()
    return items, int(total)


async def small_bases(session: AsyncSession, member_id: UUID | None = None) -> Sequence[SmallBase]:
    query = select(SmallBase).order_by(SmallBase.prefecture_code, SmallBase.name)
    if member_id is not None:
        query = query.where(SmallBase.member_id == member_id)
    return (await session.scalars(query)).all()
