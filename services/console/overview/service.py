"""The overview: each slice's own figures as of one day and one reading instant. It counts nothing itself."""

from __future__ import annotations

from datetime import date, datetime

from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.console.domain.as_of import resolve
from services.console.gatherings import service as gatherings
from services.console.network import service as network
from services.console.notifications import service as notifications
from services.console.overview.schemas import Overview
from services.console.programs import service as programs


async def overview(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None) -> Overview:
    now = now or utcnow()
    day, _ = resolve(as_of, now)
    return Overview(
        as_of=day, read_at=now,
        network=await network.figures(uow=uow, as_of=day, now=now),
        small_bases=await network.small_base_figures(uow=uow, as_of=day, now=now),
        gatherings=await gatherings.figures(uow=uow, as_of=day, now=now),
        programs=await programs.figures(uow=uow, as_of=day, now=now),
        notifications=await notifications.figures(uow=uow, as_of=day, now=now))
