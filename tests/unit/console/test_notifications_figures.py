"""The notifications dashboard's figures, pure: a known few days of deliveries counted by hand at
several days; and for any facts, nothing dated after the day counts, every figure equals a plain
recount, and the figures are the same from only what the repository reads (each delivery's latest
fact, the window's facts, the latest failures)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from kit.jst import JST
from services.console.domain.as_of import cutoff
from services.console.domain.days import day_of, window
from services.console.notifications.domain.figures import (
    RECENT_FAILURES,
    STATES,
    DeliveryFact,
    Figures,
    StateCounts,
    Suppressed,
    figures,
)


def jst(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST).astimezone(UTC)


D1, D2, D3 = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)
_seq = iter(range(1, 10_000))


def fact(n: int, state: str, at: datetime, template: str = "signup_confirmed", channel: str = "email",
         reason: str | None = None) -> DeliveryFact:
    return DeliveryFact(delivery_id=UUID(int=n), channel=channel, template=template, state=state, at=at,
                        seq=next(_seq), reason=reason, trace_id=f"{n:032x}" if state in ("failed", "bounced") else None)


FACTS = [
    fact(1, "sent", jst(D1, 9)),
    fact(2, "deferred", jst(D1, 22), reason="quiet_hours"), fact(2, "sent", jst(D2, 8)),
    fact(3, "deferred", jst(D1, 10), reason="retry"), fact(3, "failed", jst(D2, 11), reason="550 no such user"),
    fact(4, "bounced", jst(D2, 23, 59), template="reminder", reason="hard bounce"),
    fact(5, "sent", jst(D3, 0, 0), channel="webhook", template="member_approved"),
    fact(6, "deferred", jst(D3, 9), template="digest", reason="digest"),
]
SUPPRESSED = [Suppressed("a" * 64, jst(D2, 23, 59)), Suppressed("b" * 64, jst(D3, 1))]


def at(day: date, days: int = 3) -> Figures:
    return figures(facts=FACTS, suppressions=SUPPRESSED, as_of=day, cutoff=cutoff(day), days=days)


def test_the_first_day() -> None:
    found = at(D1)
    assert found.totals == StateCounts(sent=1, deferred=2)
    assert found.totals.failure_rate == 0.0
    assert list(found.by_channel) == ["email"]
    assert [(d.day, d.sent, d.deferred, d.failed, d.bounced) for d in found.per_day] == [
        (D1 - timedelta(days=2), 0, 0, 0, 0), (D1 - timedelta(days=1), 0, 0, 0, 0), (D1, 1, 2, 0, 0)]
    assert found.suppressed == 0 and found.recent_failures == []


def test_the_second_day_deferred_ones_settle() -> None:
    found = at(D2)
    assert found.totals == StateCounts(sent=2, failed=1, bounced=1)
    assert found.totals.total == 4 and found.totals.failure_rate == 0.5
    assert found.by_template == {"reminder": StateCounts(bounced=1), "signup_confirmed": StateCounts(sent=2, failed=1)}
    assert [(d.sent, d.deferred, d.failed, d.bounced, d.suppressed) for d in found.per_day[-2:]] == [
        (1, 2, 0, 0, 0), (1, 0, 1, 1, 1)]
    assert found.suppressed == 1
    assert [(f.delivery_id.int, f.state, f.reason, f.trace_id) for f in found.recent_failures] == [
        (4, "bounced", "hard bounce", f"{4:032x}"), (3, "failed", "550 no such user", f"{3:032x}")]


def test_the_third_day_a_webhook_and_a_digest() -> None:
    found = at(D3)
    assert found.totals == StateCounts(sent=3, deferred=1, failed=1, bounced=1)
    assert found.by_channel == {"email": StateCounts(sent=2, deferred=1, failed=1, bounced=1),
                                "webhook": StateCounts(sent=1)}
    assert found.per_day[-1] == type(found.per_day[-1])(D3, 1, 1, 0, 0, 1)
    assert found.suppressed == 2


def test_only_the_latest_failures_are_listed() -> None:
    many = [fact(100 + n, "failed", jst(D1) + timedelta(minutes=n)) for n in range(RECENT_FAILURES + 5)]
    found = figures(facts=many, suppressions=[], as_of=D1, cutoff=cutoff(D1), days=1)
    assert [f.delivery_id.int for f in found.recent_failures] == list(range(100 + RECENT_FAILURES + 4, 104, -1))


def test_a_delivery_that_failed_twice_is_listed_once_by_its_latest_failure() -> None:
    twice = [fact(7, "failed", jst(D1, 9), reason="first"), fact(7, "failed", jst(D1, 10), reason="again")]
    found = figures(facts=twice, suppressions=[], as_of=D1, cutoff=cutoff(D1), days=1)
    assert [(f.delivery_id.int, f.reason) for f in found.recent_failures] == [(7, "again")]


def test_nothing_settled_has_no_failure_rate() -> None:
    assert StateCounts(deferred=3).failure_rate is None


# -- any facts ------------------------------------------------------------------------------------------
BASE = datetime(2026, 11, 1, tzinfo=UTC)
moments = st.integers(0, 12 * 24 * 2).map(lambda half: BASE + timedelta(minutes=30 * half))


@st.composite
def facts_(draw: st.DrawFn) -> list[DeliveryFact]:
    found = []
    for seq, (n, state, when) in enumerate(draw(st.lists(
            st.tuples(st.integers(0, 15), st.sampled_from(STATES), moments), max_size=80))):
        found.append(DeliveryFact(delivery_id=UUID(int=n), channel=("email", "webhook")[n % 2],
                                  template=("a", "b", "c")[n % 3], state=state, at=when, seq=seq,
                                  reason=None if state == "sent" else state, trace_id=None))
    return found


suppressions_ = st.lists(st.builds(Suppressed, st.sampled_from(["x", "y", "z"]), moments), max_size=6)


def recount(facts: list[DeliveryFact], suppressions: list[Suppressed], day: date, days: int,
            limit: int) -> dict[str, object]:
    end = cutoff(day)
    seen = [f for f in facts if f.at < end]
    latest = {f.delivery_id: f for f in sorted(seen, key=lambda f: (f.at, f.seq))}
    by = {state: sum(1 for f in latest.values() if f.state == state) for state in STATES}
    templates = {t: {state: sum(1 for f in latest.values() if f.template == t and f.state == state)
                     for state in STATES} for t in sorted({f.template for f in latest.values()})}
    per_day = [tuple(len({f.delivery_id for f in seen if day_of(f.at) == d and f.state == state}) for state in STATES)
               for d in window(day, days)]
    failed = {f.delivery_id: f for f in sorted(seen, key=lambda f: (f.at, f.seq)) if f.state in ("failed", "bounced")}
    failures = sorted(failed.values(), key=lambda f: (f.at, f.seq))[::-1]
    return {"states": by, "templates": templates, "per_day": per_day,
            "suppressed": len({s.address_hash for s in suppressions if s.at < end}),
            "failures": [f.seq for f in failures[:limit]]}


def shown(found: Figures) -> dict[str, object]:
    return {"states": {state: found.totals.of(state) for state in STATES},
            "templates": {t: {state: c.of(state) for state in STATES} for t, c in found.by_template.items()},
            "per_day": [(d.sent, d.deferred, d.failed, d.bounced) for d in found.per_day],
            "suppressed": found.suppressed, "failures": [f.seq for f in found.recent_failures]}


def what_the_repository_reads(facts: list[DeliveryFact], day: date, days: int, limit: int) -> list[DeliveryFact]:
    """What repository.py reads (and the integration tests check it does): each delivery's latest fact
    before the cutoff, every fact of the window, the latest failures of the latest `limit` deliveries that
    failed; a fact may come twice."""
    end, since = cutoff(day), cutoff(day - timedelta(days=days))
    before = sorted((f for f in facts if f.at < end), key=lambda f: (f.at, f.seq))
    latest = list({f.delivery_id: f for f in before}.values())
    window_facts = [f for f in before if f.at >= since]
    failures = list({f.delivery_id: f for f in before if f.state in ("failed", "bounced")}.values())
    failures = sorted(failures, key=lambda f: (f.at, f.seq))[::-1][:limit]
    return latest + window_facts + failures


@settings(max_examples=300, deadline=None)
@given(facts_(), suppressions_, st.integers(-1, 13), st.integers(1, 10), st.integers(1, 6))
def test_any_facts_count_as_a_plain_recount_and_nothing_after_the_day(
        facts: list[DeliveryFact], suppressions: list[Suppressed], offset: int, days: int, limit: int) -> None:
    day = date(2026, 11, 1) + timedelta(days=offset)
    end = cutoff(day)
    found = figures(facts=facts, suppressions=suppressions, as_of=day, cutoff=end, days=days, failures=limit)
    assert shown(found) == recount(facts, suppressions, day, days, limit)
    before = [f for f in facts if f.at < end]
    assert found == figures(facts=before, suppressions=[s for s in suppressions if s.at < end], as_of=day, cutoff=end,
                            days=days, failures=limit)
    assert found == figures(facts=what_the_repository_reads(facts, day, days, limit), suppressions=suppressions,
                            as_of=day, cutoff=end, days=days, failures=limit)
    assert sum(c.total for c in found.by_channel.values()) == found.totals.total
