"""Helpers' queries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.models import Application, FavouriteRegion, Helper, Program


async def get(session: AsyncSession, helper_id: UUID) -> Helper | None:
    return await session.get(Helper, helper_id)


async def favourites_of(session: AsyncSession, helper_id: UUID) -> list[FavouriteRegion]:
    query = (select(FavouriteRegion).where(FavouriteRegion.helper_id == helper_id)
             .order_by(FavouriteRegion.registered_at, FavouriteRegion.municipality_code))
    return list((await session.scalars(query)).all())


async def favourite(session: AsyncSession, helper_id: UUID, municipality_code: str) -> FavouriteRegion | None:
    return await session.get(FavouriteRegion, (helper_id, municipality_code))


async def remove_favourite(session: AsyncSession, helper_id: UUID, municipality_code: str) -> None:
    await session.execute(delete(FavouriteRegion).where(FavouriteRegion.helper_id == helper_id,
                                                        FavouriteRegion.municipality_code == municipality_code))


async def applications_of(session: AsyncSession, helper_id: UUID) -> list[tuple[Application, str]]:
    """(application, program title), oldest first."""
    query = (select(Application, Program.title).join(Program, Program.id == Application.program_id)
             .where(Application.helper_id == helper_id).order_by(Application.created_at, Application.id))
    return [(application, title) for application, title in (await session.execute(query)).all()]


async def blank(session: AsyncSession, email: str, values: dict[str, Any]) -> int:
    """Blank every helper with this address (lower case); how many there were."""
    done = await session.execute(update(Helper).where(Helper.email == email).values(values)
                                 .execution_options(synchronize_session=False))
    return int(done.rowcount or 0)  # type: ignore[attr-defined]

