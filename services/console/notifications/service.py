"""The notifications dashboard's use cases: its figures as of a day, as the API and pages show
them, and as a CSV file. Read-only: one short read of the console's projections."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from kit.db.types import utcnow
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.console.domain import csv
from services.console.domain.as_of import cutoff as end_of
from services.console.domain.as_of import resolve
from services.console.domain.days import DEFAULT_DAYS
from services.console.notifications import repository
from services.console.notifications.domain import figures as domain
from services.console.notifications.domain.export import export
from services.console.notifications.domain.labels import channel_label, state_label
from services.console.notifications.schemas import (
    ChannelCounts,
    DeliveryDay,
    FailureRow,
    NotificationFigures,
    StateCounts,
    StateRow,
    TemplateCounts,
)


async def _figures(uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None, days: int) -> domain.Figures:
    day, cutoff = resolve(as_of, now or utcnow())
    since = end_of(day - timedelta(days=days))  # the window's first day begins
    async with uow.read() as session:
        facts = [*await repository.latest_facts(session, cutoff),
                 *await repository.facts_between(session, since, cutoff),
                 *await repository.failures(session, cutoff, domain.RECENT_FAILURES)]
        suppressions = await repository.suppressions(session, cutoff)
    return domain.figures(facts=facts, suppressions=suppressions, as_of=day, cutoff=cutoff, days=days)


def _counts(c: domain.StateCounts) -> dict[str, Any]:
    """StateCounts' fields, for the models that carry them (validated once, by the model built with them)."""
    return {"sent": c.sent, "deferred": c.deferred, "failed": c.failed, "bounced": c.bounced, "total": c.total,
            "failure_rate": c.failure_rate}


def read(found: domain.Figures) -> NotificationFigures:
    """The figures as the API returns them."""
    return NotificationFigures(
        as_of=found.as_of, cutoff=found.cutoff, days=len(found.per_day),
        totals=StateCounts(**_counts(found.totals)),
        states=[StateRow(state=s, state_ja=state_label(s)[0], state_en=state_label(s)[1],
                         deliveries=found.totals.of(s)) for s in domain.STATES],
        by_channel=[ChannelCounts(channel=k, channel_ja=channel_label(k)[0], channel_en=channel_label(k)[1],
                                  **_counts(c)) for k, c in found.by_channel.items()],
        by_template=[TemplateCounts(template=k, **_counts(c)) for k, c in found.by_template.items()],
        per_day=[DeliveryDay(day=d.day, sent=d.sent, deferred=d.deferred, failed=d.failed, bounced=d.bounced,
                             suppressed=d.suppressed) for d in found.per_day],
        suppressed=found.suppressed,
        recent_failures=[FailureRow(delivery_id=f.delivery_id, channel=f.channel, template=f.template, state=f.state,
                                    state_ja=state_label(f.state)[0], state_en=state_label(f.state)[1],
                                    reason=f.reason, at=f.at, trace_id=f.trace_id) for f in found.recent_failures],
    )


async def figures(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None,
                  days: int = DEFAULT_DAYS) -> NotificationFigures:
    """The notifications dashboard as of `as_of` (today in JST when None; `now` is today's clock):
    only facts dated before that day's end count. Per day over the `days` days ending on it."""
    return read(await _figures(uow, as_of, now, days))


async def figures_csv(*, uow: UnitOfWorkFactory, as_of: date | None, now: datetime | None = None,
                      days: int = DEFAULT_DAYS, locale: str = "ja") -> tuple[date, bytes]:
    """(the day, the CSV file) of the same figures: UTF-8 with a BOM, for Excel."""
    return csv.dated(await _figures(uow, as_of, now, days), export, locale)
