"""The network's use cases: its figures, and the 小さな拠点's, as of a day (today in JST when none),
as answers and as CSV."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from kit.db.types import utcnow
from kit.gazetteer import local_governments
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.console.domain import csv
from services.console.domain.as_of import resolve
from services.console.network import repository as repo
from services.console.network.domain import export
from services.console.network.domain.figures import Network, SmallBases, network, small_bases
from services.console.network.domain.places import Prefecture, prefectures
from services.console.network.schemas import NetworkFigures, SmallBaseFigures


@lru_cache(maxsize=1)
def _prefectures() -> tuple[Prefecture, ...]:
    return prefectures(local_governments())


async def _network(uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None) -> Network:
    day, until = resolve(as_of, now or utcnow())
    async with uow.read() as session:
        members = await repo.members_as_of(session, until)
    return network(members, as_of=day, cutoff=until, prefectures=_prefectures(), lgs=local_governments())


async def _small_bases(uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None) -> SmallBases:
    day, until = resolve(as_of, now or utcnow())
    async with uow.read() as session:
        registered = await repo.small_bases_by_prefecture(session, until)
    return small_bases(registered, as_of=day, cutoff=until, prefectures=_prefectures())


async def figures(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None) -> NetworkFigures:
    """Members by kind, block and prefecture, the map, and applications waiting, as of the day."""
    return NetworkFigures.model_validate(await _network(uow, as_of, now))


async def figures_csv(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None,
                      locale: str = "ja") -> tuple[date, bytes]:
    """(the day, the CSV): totals, by kind, block and prefecture, the map's points; in `locale`."""
    return csv.dated(await _network(uow, as_of, now), export.network_csv, locale)


async def small_base_figures(*, uow: UnitOfWorkFactory, as_of: date | None,
                             now: datetime | None = None) -> SmallBaseFigures:
    """小さな拠点 registered by the day, per block and prefecture, beside the national target."""
    return SmallBaseFigures.model_validate(await _small_bases(uow, as_of, now))


async def small_base_figures_csv(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None,
                                 locale: str = "ja") -> tuple[date, bytes]:
    """(the day, the CSV): totals beside the national figures, by block and prefecture; in `locale`."""
    return csv.dated(await _small_bases(uow, as_of, now), export.small_bases_csv, locale)
