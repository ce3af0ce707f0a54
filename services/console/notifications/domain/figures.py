"""The notifications dashboard's figures as of a day, from dated delivery facts: how many
deliveries are sent, deferred, failed or bounced (in all, per channel, per template), what was
sent and what failed each day of a window, the suppressed addresses, and the latest failures. Pure.

A fact counts only if it is dated before the cutoff (the end of the day asked for, JST). A
delivery's state on the day is its latest fact before the cutoff (ties in the order recorded).
The figures are the same given every fact, or given only each delivery's latest fact before the
cutoff, the facts of the window and the latest failures (what the repository reads), each perhaps
more than once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from services.console.domain.days import day_of, window
from services.console.domain.rates import rate

STATES = ("sent", "deferred", "failed", "bounced")
FAILURES = ("failed", "bounced")
RECENT_FAILURES = 20


@dataclass(frozen=True)
class DeliveryFact:
    """A delivery reached `state` at `at`; `seq` orders facts of one instant as they were recorded."""

    delivery_id: UUID
    channel: str
    template: str
    state: str
    at: datetime
    seq: int = 0
    reason: str | None = None
    trace_id: str | None = None


@dataclass(frozen=True)
class Suppressed:
    address_hash: str
    at: datetime


@dataclass(frozen=True)
class StateCounts:
    """Deliveries by their state as of the day."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    bounced: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.deferred + self.failed + self.bounced

    @property
    def failure_rate(self) -> float | None:
        """Of the deliveries settled (sent, failed or bounced), the share that did not arrive."""
        return rate(self.failed + self.bounced, self.sent + self.failed + self.bounced)

    def of(self, state: str) -> int:
        return int(getattr(self, state)) if state in STATES else 0

    @classmethod
    def count(cls, states: Counter[str]) -> StateCounts:
        return cls(**{state: states[state] for state in STATES})


@dataclass(frozen=True)
class DeliveryDay:
    """What happened on one JST day: deliveries sent, deferred, failed or bounced that day (each
    counted once a day per state), and addresses suppressed that day."""

    day: date
    sent: int
    deferred: int
    failed: int
    bounced: int
    suppressed: int


@dataclass(frozen=True)
class Figures:
    as_of: date
    cutoff: datetime
    totals: StateCounts
    by_channel: dict[str, StateCounts]
    by_template: dict[str, StateCounts]
    per_day: list[DeliveryDay]
    suppressed: int  # addresses suppressed before the cutoff
    recent_failures: list[DeliveryFact]  # each delivery's latest failure, newest first


def _order(fact: DeliveryFact) -> tuple[datetime, int]:
    return fact.at, fact.seq


def latest(facts: Iterable[DeliveryFact], cutoff: datetime) -> dict[UUID, DeliveryFact]:
    """Each delivery's latest fact before the cutoff."""
    found: dict[UUID, DeliveryFact] = {}
    for fact in facts:
        if fact.at < cutoff:
            seen = found.get(fact.delivery_id)
            if seen is None or _order(fact) > _order(seen):
                found[fact.delivery_id] = fact
    return found


def counts(latest_facts: Iterable[DeliveryFact]) -> tuple[StateCounts, dict[str, StateCounts], dict[str, StateCounts]]:
    """(in all, per channel, per template), channels and templates in name order."""
    total: Counter[str] = Counter()
    channels: dict[str, Counter[str]] = {}
    templates: dict[str, Counter[str]] = {}
    for fact in latest_facts:
        total[fact.state] += 1
        channels.setdefault(fact.channel, Counter())[fact.state] += 1
        templates.setdefault(fact.template, Counter())[fact.state] += 1
    return (StateCounts.count(total), {k: StateCounts.count(channels[k]) for k in sorted(channels)},
            {k: StateCounts.count(templates[k]) for k in sorted(templates)})


def per_day(facts: Iterable[DeliveryFact], suppressions: Iterable[Suppressed], days: list[date],
            cutoff: datetime) -> list[DeliveryDay]:
    """The window's days, oldest first."""
    wanted = set(days)
    seen: dict[tuple[date, str], set[UUID]] = {}
    for fact in facts:
        day = day_of(fact.at)
        if fact.at < cutoff and day in wanted:
            seen.setdefault((day, fact.state), set()).add(fact.delivery_id)
    suppressed = Counter(day_of(s.at) for s in suppressions if s.at < cutoff)

    def n(day: date, state: str) -> int:
        return len(seen.get((day, state), ()))

    return [DeliveryDay(day, n(day, "sent"), n(day, "deferred"), n(day, "failed"), n(day, "bounced"),
                        suppressed[day]) for day in days]


def recent_failures(facts: Iterable[DeliveryFact], cutoff: datetime, limit: int = RECENT_FAILURES
                    ) -> list[DeliveryFact]:
    """The deliveries that failed or bounced before the cutoff, each by its latest failure, the latest
    `limit` of them, newest first."""
    failed = latest((f for f in facts if f.state in FAILURES), cutoff)
    return sorted(failed.values(), key=_order, reverse=True)[:limit]


def figures(*, facts: Iterable[DeliveryFact], suppressions: Iterable[Suppressed], as_of: date, cutoff: datetime,
            days: int, failures: int = RECENT_FAILURES) -> Figures:
    """Every figure of the dashboard as of `as_of` (whose end is `cutoff`), per day over the `days`
    days ending on it. Facts dated at or after the cutoff are left out, whatever was passed."""
    listed = list(facts)
    suppressed = [s for s in suppressions if s.at < cutoff]
    totals, channels, templates = counts(latest(listed, cutoff).values())
    return Figures(as_of=as_of, cutoff=cutoff, totals=totals, by_channel=channels, by_template=templates,
                   per_day=per_day(listed, suppressed, window(as_of, days), cutoff),
                   suppressed=len({s.address_hash for s in suppressed}),
                   recent_failures=recent_failures(listed, cutoff, failures))
