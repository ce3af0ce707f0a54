"""The notifications dashboard, `/console/notifications`: deliveries sent, deferred, failed and
bounced (in all, per day, per channel and per message type), suppressed addresses, and the latest
failures linked to their trace, as of a day; its CSV."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from kit.jst import jst
from services.console import charts
from services.console.dashboard import Say, dashboard, download, say
from services.console.domain.rates import percent
from services.console.notifications import service
from services.console.notifications.domain.figures import STATES
from services.console.notifications.domain.labels import state_label
from services.console.notifications.schemas import NotificationFigures, StateCounts
from services.console.web import AsOf, ConsolePage, Page

router = APIRouter(include_in_schema=False)
NOTIFY_DELIVERY = "/notify/ops/deliveries/{}"  # notify's delivery log entry, for its operators


@router.get("/notifications", response_model=None)
async def notifications(page: Page, as_of: AsOf = None) -> Response:
    """Deliveries by state, per day, channel and message type; the latest failures, as of a day."""
    return await dashboard(page, "notifications/dashboard.html", read, as_of=as_of, csv="notifications.csv")


@router.get("/notifications.csv", response_model=None)
async def notifications_csv(page: Page, as_of: AsOf = None) -> Response:
    return await download(page, "notifications", service.figures_csv, as_of)


async def read(page: ConsolePage, as_of: date | None, now: datetime) -> dict[str, Any]:
    figures = await service.figures(uow=page.deps.uow, as_of=as_of, now=now)
    return {"n": figures, **shown(figures, say(page), page.deps.trace_url)}


def _counts(c: StateCounts) -> list[int]:
    return [c.sent, c.deferred, c.failed, c.bounced]


def shown(n: NotificationFigures, t: Say, trace_url: str | None) -> dict[str, Any]:
    """The dashboard's charts and their tables' rows, in the page's language; a failure's trace
    links to the trace viewer when one is configured."""
    none = t("データなし", "No data")
    series = [t(*state_label(state)) for state in STATES]  # sent, deferred, failed, bounced
    states = [(t(s.state_ja, s.state_en), s.deliveries) for s in n.states]

    def by(rows: list[Any]) -> list[charts.Series]:  # a series per state, a value per row
        return [charts.Series(name, [getattr(r, state) for r in rows])
                for state, name in zip(STATES, series, strict=True)]

    def trace(trace_id: str | None) -> tuple[str, str | None] | str:
        if not trace_id:
            return "—"
        return (trace_id, trace_url.format(trace_id=trace_id) if trace_url else None)

    return {
        "state_names": series,
        "states_chart": charts.donut("notifications-states", states, no_data=none),
        "state_rows": [*states, (t("合計", "Total"), n.totals.total),
                       (t("失敗率", "Failure rate"), percent(n.totals.failure_rate) or "—")],
        "days_chart": charts.line("notifications-days", [d.day.strftime("%m/%d") for d in n.per_day],
                                  by(n.per_day), no_data=none),
        "day_rows": [(d.day.isoformat(), d.sent, d.deferred, d.failed, d.bounced, d.suppressed)
                     for d in reversed(n.per_day)],
        "channels_chart": charts.bar("notifications-channels", [t(c.channel_ja, c.channel_en) for c in n.by_channel],
                                     by(n.by_channel), stacked=True, no_data=none),
        "channel_rows": [(t(c.channel_ja, c.channel_en), *_counts(c), c.total, percent(c.failure_rate) or "—")
                         for c in n.by_channel],
        "templates_chart": charts.bar("notifications-templates", [c.template for c in n.by_template],
                                      by(n.by_template), horizontal=True, stacked=True, no_data=none),
        "template_rows": [(c.template, *_counts(c), c.total, percent(c.failure_rate) or "—") for c in n.by_template],
        "failure_rows": [(jst(f.at), t(f.state_ja, f.state_en), f.channel, f.template, f.reason or "",
                          trace(f.trace_id), (str(f.delivery_id)[:8] + "…", NOTIFY_DELIVERY.format(f.delivery_id)))
                         for f in n.recent_failures],
    }
