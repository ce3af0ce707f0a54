"""Applications' queries."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.applications.domain.rules import ACTIVE, ApplicationStatus
from services.matching.models import Application, Helper, Program


async def get(session: AsyncSession, application_id: UUID, *, lock: bool = False) -> Application | None:
    """`lock`: until the transaction ends, so two withdrawals of one application release once
    (FOR UPDATE on PostgreSQL; SQLite's one writer already excludes the others)."""
    return await session.get(Application, application_id, with_for_update=lock or None)


async def helper(session: AsyncSession, helper_id: UUID) -> Helper | None:
    return await session.get(Helper, helper_id)


async def by_person(session: AsyncSession, program_id: UUID, helper_id: UUID) -> Application | None:
    return await session.scalar(select(Application).where(Application.program_id == program_id,
                                                          Application.helper_id == helper_id))


async def first_in_line(session: AsyncSession, program_id: UUID, *, skip_locked: bool) -> Application | None:
    """The waitlisted application with the lowest ticket (locked against another replica's promotion)."""
    query = (select(Application).where(Application.program_id == program_id,
                                       Application.status == ApplicationStatus.waitlisted)
             .order_by(Application.waitlist_ticket).limit(1))
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    return await session.scalar(query)


async def waitlist_position(session: AsyncSession, application: Application) -> int | None:
    """The 1-based place in line now (those still waiting with a lower ticket, plus one)."""
    if application.status != ApplicationStatus.waitlisted or application.waitlist_ticket is None:
        return None
    ahead = await session.scalar(select(func.count()).select_from(Application).where(
        Application.program_id == application.program_id, Application.status == ApplicationStatus.waitlisted,
        Application.waitlist_ticket < application.waitlist_ticket))
    return int(ahead or 0) + 1


async def of_program(session: AsyncSession, program_id: UUID, *, limit: int,
                     offset: int) -> list[tuple[Application, Helper]]:
    """A program's applications with their helpers: places first, then the line in order, then the rest."""
    rank = case({ApplicationStatus.accepted.value: 0, ApplicationStatus.waitlisted.value: 1}, value=Application.status,
                else_=2)
    query = (select(Application, Helper).join(Helper, Helper.id == Application.helper_id)
             .where(Application.program_id == program_id)
             .order_by(rank, Application.waitlist_ticket, Application.created_at, Application.id)
             .limit(limit).offset(offset))
    return [(application, person) for application, person in (await session.execute(query)).all()]


async def of_helper(session: AsyncSession, helper_id: UUID, *, limit: int) -> list[tuple[Application, Program]]:
    """A person's applications with their programs, soonest program first."""
    query = (select(Application, Program).join(Program, Program.id == Application.program_id)
             .where(Application.helper_id == helper_id)
             .order_by(Program.starts_on, Program.id).limit(limit))
    return [(application, program) for application, program in (await session.execute(query)).all()]


async def waiting_tickets(session: AsyncSession, program_id: UUID) -> list[int]:
    query = select(Application.waitlist_ticket).where(Application.program_id == program_id,
                                                      Application.status == ApplicationStatus.waitlisted)
    return [t for t in (await session.scalars(query)).all() if t is not None]


async def active_of(session: AsyncSession, helper_ids: Collection[UUID]) -> list[Application]:
    """Every active application of these people (for their erasure), locked."""
    if not helper_ids:
        return []
    query = (select(Application).where(Application.helper_id.in_(list(helper_ids)), Application.status.in_(ACTIVE))
             .order_by(Application.program_id, Application.id).with_for_update())
    return list((await session.scalars(query)).all())


async def helper_ids_by_email(session: AsyncSession, email: str) -> list[UUID]:
    return list((await session.scalars(select(Helper.id).where(Helper.email == email))).all())
