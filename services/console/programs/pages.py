"""The programs dashboard, `/console/programs`: programs, participations (延べ), people and their
repeat rate, in all and per municipality, and the 集める → 深める → つなげる funnel, as of a day; its CSV."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from services.console import charts
from services.console.dashboard import Say, dashboard, download, say
from services.console.domain.rates import percent
from services.console.programs import service
from services.console.programs.schemas import ProgramFigures
from services.console.web import AsOf, ConsolePage, Page

router = APIRouter(include_in_schema=False)
CHARTED = 15  # municipalities in the chart, by participations; the table lists them all


@router.get("/programs", response_model=None)
async def programs(page: Page, as_of: AsOf = None) -> Response:
    """Programs and participations per municipality, repeat rate and the funnel, as of a day."""
    return await dashboard(page, "programs/dashboard.html", read, as_of=as_of, csv="programs.csv")


@router.get("/programs.csv", response_model=None)
async def programs_csv(page: Page, as_of: AsOf = None) -> Response:
    return await download(page, "programs", service.figures_csv, as_of)


async def read(page: ConsolePage, as_of: date | None, now: datetime) -> dict[str, Any]:
    figures = await service.figures(uow=page.deps.uow, as_of=as_of, now=now)
    return {"p": figures, **shown(figures, say(page))}


def shown(p: ProgramFigures, t: Say) -> dict[str, Any]:
    """The dashboard's charts and their tables' rows, in the page's language."""
    none = t("データなし", "No data")
    places = sorted(p.by_municipality, key=lambda m: (-m.participations, -m.programs, m.code))
    top = [m for m in places if m.participations][:CHARTED]
    return {
        "funnel_chart": charts.bar(
            "programs-funnel", [t(f.ja, f.en) for f in p.funnel],
            [charts.Series(t("到達した関係", "Relations reached"), [f.reached for f in p.funnel])],
            horizontal=True, no_data=none),
        "funnel_rows": [(t(f.ja, f.en), f.relations, f.reached) for f in p.funnel],
        "places_chart": charts.bar("programs-places", [m.name for m in top],
                                   [charts.Series(t("延べ参加", "Participations"), [m.participations for m in top]),
                                    charts.Series(t("人数", "People"), [m.people for m in top])],
                                   horizontal=True, no_data=none),
        "place_rows": [(m.name, m.programs, m.open_programs, m.participations, m.people, percent(m.repeat_rate) or "—",
                        m.collect, m.deepen, m.connect) for m in places],
        "repeat_rate": percent(p.repeat_rate) or "—",
        "charted": CHARTED,
    }
