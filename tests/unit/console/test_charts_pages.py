"""What the dashboards draw from their slice's figures: the notifications page links a failure to
its trace only when a trace viewer is configured (and to notify's delivery log), and a chart's
numbers are its table's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from services.console.domain.as_of import cutoff
from services.console.notifications import pages as notification_pages
from services.console.notifications.domain.figures import DeliveryFact, figures
from services.console.notifications.schemas import NotificationFigures
from services.console.notifications.service import read

DAY = date(2026, 11, 4)
AT = datetime(2026, 11, 4, 3, 0, tzinfo=UTC)
TRACE = "0af7651916cd43dd8448eb211c80319c"


def t(ja: str, en: str) -> str:
    return ja


def notifications() -> NotificationFigures:
    facts = [DeliveryFact(delivery_id=UUID(int=1), channel="email", template="signup_confirmed", state="sent", at=AT,
                          seq=1, reason=None, trace_id=None),
             DeliveryFact(delivery_id=UUID(int=2), channel="email", template="signup_confirmed", state="bounced",
                          at=AT, seq=2, reason="550 no such user", trace_id=TRACE),
             DeliveryFact(delivery_id=UUID(int=3), channel="webhook", template="member_approved", state="failed",
                          at=AT, seq=3, reason="timeout", trace_id=None)]
    return read(figures(facts=facts, suppressions=[], as_of=DAY, cutoff=cutoff(DAY), days=7))


def test_a_failure_links_its_trace_when_a_viewer_is_configured() -> None:
    linked = notification_pages.shown(notifications(), t, "http://localhost:16686/trace/{trace_id}")["failure_rows"]
    by_trace = {row[5][0] if isinstance(row[5], tuple) else row[5]: row for row in linked}
    assert by_trace[TRACE][5] == (TRACE, f"http://localhost:16686/trace/{TRACE}")
    assert by_trace["—"][6][1] == f"/notify/ops/deliveries/{UUID(int=3)}"
    plain = notification_pages.shown(notifications(), t, None)["failure_rows"]
    assert (TRACE, None) in [row[5] for row in plain]


def test_the_charts_numbers_are_in_their_tables() -> None:
    shown = notification_pages.shown(notifications(), t, None)
    assert shown["state_rows"][:4] == [("送信済み", 1), ("保留中", 0), ("送信失敗", 1), ("不達（バウンス）", 1)]
    assert ("メール", 1, 0, 0, 1, 2, "50.0%") in shown["channel_rows"]
    assert shown["day_rows"][0] == ("2026-11-04", 1, 0, 1, 1, 0)
    assert "<svg" in shown["states_chart"] and "<svg" in shown["days_chart"]
