"""The gatherings dashboard, `/console/gatherings`: upcoming forums and cafés with their fill rate
and waitlist, signups per day, and attendance (no-shows) at the ended ones, as of a day; its CSV."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from kit.jst import jst
from services.console import charts
from services.console.dashboard import Say, dashboard, download, say
from services.console.domain.rates import percent
from services.console.gatherings import service
from services.console.gatherings.schemas import GatheringFigures
from services.console.web import AsOf, ConsolePage, Page

router = APIRouter(include_in_schema=False)
FORUM_EVENT = "/forum/ops/events/{}"  # forum's page of one event, for its operators


@router.get("/gatherings", response_model=None)
async def gatherings(page: Page, as_of: AsOf = None) -> Response:
    """Upcoming gatherings' seats, signups per day and attendance, as of a day."""
    return await dashboard(page, "gatherings/dashboard.html", read, as_of=as_of, csv="gatherings.csv")


@router.get("/gatherings.csv", response_model=None)
async def gatherings_csv(page: Page, as_of: AsOf = None) -> Response:
    return await download(page, "gatherings", service.figures_csv, as_of)


async def read(page: ConsolePage, as_of: date | None, now: datetime) -> dict[str, Any]:
    figures = await service.figures(uow=page.deps.uow, as_of=as_of, now=now)
    return {"g": figures, **shown(figures, say(page))}


def shown(g: GatheringFigures, t: Say) -> dict[str, Any]:
    """The dashboard's charts and their tables' rows, in the page's language."""
    none = t("データなし", "No data")
    ended = [a for a in g.attendance if a.check_in]
    totals = g.attendance_totals
    return {
        "headlines": {"upcoming": len(g.upcoming), "confirmed": sum(u.confirmed for u in g.upcoming),
                      "waitlisted": sum(u.waitlisted for u in g.upcoming), "new_signups": g.new_signups,
                      "attendance": percent(totals.attendance_rate) or "—", "no_shows": totals.no_shows},
        "fill_chart": charts.bar(
            "gatherings-fill", [f"{jst(u.starts_at, '%m/%d')} {u.title}" for u in g.upcoming],
            [charts.Series(t("充足率", "Fill rate"), [u.fill_rate for u in g.upcoming])],
            horizontal=True, share=True, no_data=none),
        "upcoming_rows": [(jst(u.starts_at), (u.title, FORUM_EVENT.format(u.id)), t(u.kind_ja, u.kind_en), u.capacity,
                           u.confirmed, u.held, percent(u.fill_rate), u.waitlisted) for u in g.upcoming],
        "kind_chart": charts.bar(
            "gatherings-kind", [t(k.kind_ja, k.kind_en) for k in g.by_kind],
            [charts.Series(t("確定", "Confirmed"), [k.confirmed for k in g.by_kind]),
             charts.Series(t("保留", "Held"), [k.held for k in g.by_kind]),
             charts.Series(t("キャンセル待ち", "Waitlisted"), [k.waitlisted for k in g.by_kind])],
            stacked=True, no_data=none),
        "kind_rows": [(t(k.kind_ja, k.kind_en), k.gatherings, k.capacity, k.confirmed, k.held, k.waitlisted,
                       percent(k.fill_rate)) for k in g.by_kind],
        "signups_chart": charts.line(
            "gatherings-signups", [d.day.strftime("%m/%d") for d in g.signups_by_day],
            [charts.Series(t("申込", "Signups"), [d.signups for d in g.signups_by_day])], no_data=none),
        "signup_rows": [(d.day.isoformat(), d.signups) for d in reversed(g.signups_by_day)],
        "attendance_chart": charts.bar(
            "gatherings-attendance", [f"{jst(a.starts_at, '%m/%d')} {a.title}" for a in ended],
            [charts.Series(t("来場", "Checked in"), [a.checked_in for a in ended]),
             charts.Series(t("欠席", "No-shows"), [a.no_shows for a in ended])],
            horizontal=True, stacked=True, no_data=none),
        "attendance_rows": [(jst(a.starts_at), (a.title, FORUM_EVENT.format(a.id)), a.confirmed,
                             a.checked_in if a.check_in else "—", a.no_shows if a.check_in else "—",
                             percent(a.attendance_rate) or t("オンライン", "online")) for a in g.attendance],
    }
