"""The projections' own queries: where each event type is, and emptying every read model."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.models import MESSAGING, PROJECTIONS, Base, Checkpoint


async def checkpoints(session: AsyncSession) -> Sequence[Checkpoint]:
    return (await session.scalars(select(Checkpoint).order_by(Checkpoint.producer, Checkpoint.event_type))).all()


async def clear(session: AsyncSession) -> None:
    """Delete every projection row and the console's inbox, in the caller's transaction."""
    # The inbox first: a live delivery writes its inbox row before its projections, so holding the
    # inbox makes new ones wait, and only those already past it are waited for (no deadlock).
    tables: list[Table] = [MESSAGING.inbox, *(Base.metadata.tables[model.__tablename__] for model in PROJECTIONS)]
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        # Wait for live deliveries in flight and hold new ones until the commit, so none is half
        # deleted (its inbox row kept, its checkpoint gone). SQLite's one writer already does this.
        names = ", ".join(dialect.identifier_preparer.format_table(table) for table in tables)
        await session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    for table in tables:
        await session.execute(delete(table))
