"""Membership's queries. Nothing here commits; callers pass the session.

Filtering, counting and paging happen in SQL, on SQLite and PostgreSQL alike: a list never
loads more rows than the page it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, exists, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from kit.errors import NotFound
from services.registry.domain.kinds import MemberKind
from services.registry.domain.text import search_key
from services.registry.membership.domain.workflow import HOLDING_STATUSES, MemberStatus
from services.registry.models import AuditEntry, Member, MemberHistory

_HOLDING = [s.value for s in HOLDING_STATUSES]
_LG_KINDS = [MemberKind.prefecture.value, MemberKind.municipality.value]
# Reading order, then name; the id makes the order total, so pages never overlap or skip.
MEMBER_ORDER = (Member.name_kana.asc().nulls_last(), Member.name.asc(), Member.id.asc())


@dataclass(frozen=True)
class MemberFilter:
    status: str | None = None
    q: str | None = None
    kind: str | None = None
    block: str | None = None
    prefecture_code: str | None = None
    tags: tuple[str, ...] = ()  # every one of them
    directory_only: bool = False  # active members who chose to be listed


class json_array_text(FunctionElement[Any]):
    """The elements of a JSON array column as rows of text, in a column named `value`."""

    name = "json_array_text"
    inherit_cache = True


@compiles(json_array_text, "sqlite")
def _sqlite_elements(element: json_array_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_array_text, "postgresql")
def _postgresql_elements(element: json_array_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_array_elements_text({compiler.process(element.clauses, **kw)})"


def _has_tag(tag: str) -> ColumnElement[bool]:
    elements = json_array_text(Member.activity_tags).table_valued("value")
    return exists(select(literal_column("1")).select_from(elements).where(elements.c.value == tag))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(f: MemberFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.directory_only:
        conditions += [Member.status == MemberStatus.active.value, Member.directory_opt_in.is_(True)]
    if f.status:
        conditions.append(Member.status == f.status)
    if f.kind:
        conditions.append(Member.kind == f.kind)
    if f.block:
        conditions.append(Member.block == f.block)
    if f.prefecture_code:
        conditions.append(Member.prefecture_code == f.prefecture_code)
    if f.q and (key := search_key(f.q)):
        conditions.append(or_(Member.name.like(_like(key), escape="\\"),
                              Member.name_kana.like(_like(key), escape="\\"),
                              Member.name.like(_like(f.q.strip()), escape="\\")))
    conditions += [_has_tag(tag) for tag in dict.fromkeys(t.strip() for t in f.tags) if tag]
    return conditions


async def member_page(session: AsyncSession, f: MemberFilter, *, offset: int,
                      limit: int) -> tuple[Sequence[Member], int]:
    """One page of the members matching `f`, in MEMBER_ORDER, and how many match in all."""
    where = _where(f)
    total = await session.scalar(select(func.count()).select_from(Member).where(*where)) or 0
    query = select(Member).where(*where).order_by(*MEMBER_ORDER)
    items = (await session.scalars(query.offset(offset).limit(limit))).all()
    return items, int(total)


async def all_members(session: AsyncSession) -> Sequence[Member]:
    """Every member, for the operators' CSV export."""
    return (await session.scalars(select(Member).order_by(*MEMBER_ORDER))).all()


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


async def audit_entries(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[AuditEntry], int]:
    total = await session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    items = (await session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    )).all()
    return items, int(total)
