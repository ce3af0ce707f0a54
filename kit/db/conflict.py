"""INSERT … ON CONFLICT, which PostgreSQL and SQLite both know, from the dialect's own `insert`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Insert = postgresql.Insert | sqlite.Insert


def dialect_insert(dialect: str, table: Any) -> Insert:
    """The dialect's INSERT of `table` (a Table or a mapped class), with `on_conflict_do_*`."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def session_insert(session: AsyncSession, table: Any) -> Insert:
    """`dialect_insert` for the database `session` is bound to."""
    return dialect_insert(session.get_bind().dialect.name, table)
