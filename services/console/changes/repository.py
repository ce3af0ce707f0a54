"""The read models' progress: how many events the console has applied, and when it last did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.models import Checkpoint


async def progress(session: AsyncSession) -> tuple[int, datetime | None]:
    """(events applied, the last one's time): one row per event type, so a cheap aggregate."""
    applied, last = (await session.execute(
        select(func.coalesce(func.sum(Checkpoint.applied), 0), func.max(Checkpoint.updated_at)))).one()
    return int(applied), last
