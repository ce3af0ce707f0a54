"""The members dashboard, `/console/members`: the network as of a day (local governments and
organisations by kind, block and prefecture, on a map of Japan; applications waiting) and the
小さな拠点 registered against the national target; its two CSVs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from kit.japan_map import HEIGHT, WIDTH, bubbles, outline
from services.console import charts
from services.console.dashboard import Say, dashboard, download, say
from services.console.network import service
from services.console.network.schemas import AreaRow, NetworkFigures, SmallBaseFigures
from services.console.web import AsOf, ConsolePage, Page

router = APIRouter(include_in_schema=False)


@router.get("/members", response_model=None)
async def members(page: Page, as_of: AsOf = None) -> Response:
    """Members by kind, block and prefecture, on the map; small bases against the target."""
    return await dashboard(page, "network/members.html", read, as_of=as_of, csv="members.csv")


@router.get("/members.csv", response_model=None)
async def members_csv(page: Page, as_of: AsOf = None) -> Response:
    return await download(page, "network", service.figures_csv, as_of)


@router.get("/members/small-bases.csv", response_model=None)
async def small_bases_csv(page: Page, as_of: AsOf = None) -> Response:
    return await download(page, "small-bases", service.small_base_figures_csv, as_of)


async def read(page: ConsolePage, as_of: date | None, now: datetime) -> dict[str, Any]:
    network = await service.figures(uow=page.deps.uow, as_of=as_of, now=now)
    small_bases = await service.small_base_figures(uow=page.deps.uow, as_of=as_of, now=now)
    return {"m": network, "s": small_bases, **shown(network, small_bases, say(page))}


def _split(key: str, rows: list[AreaRow], t: Say, *, horizontal: bool) -> Any:
    """Local governments and organisations per area, stacked."""
    return charts.bar(key, [t(r.ja, r.en) for r in rows],
                      [charts.Series(t("自治体", "Local governments"), [r.local_governments for r in rows]),
                       charts.Series(t("団体", "Organisations"), [r.organisations for r in rows])],
                      stacked=True, horizontal=horizontal, no_data=t("データなし", "No data"))


def _area_rows(rows: list[AreaRow], t: Say) -> list[tuple[object, ...]]:
    return [(t(r.ja, r.en), r.members, r.local_governments, r.organisations, r.pending) for r in rows]


def shown(m: NetworkFigures, s: SmallBaseFigures, t: Say) -> dict[str, Any]:
    """The dashboard's charts, map and their tables' rows, in the page's language."""
    none = t("データなし", "No data")
    points = sorted(m.map_points, key=lambda p: (-p.members, p.code))
    return {
        "kind_chart": charts.donut("members-kind", [(t(k.ja, k.en), k.members) for k in m.by_kind], no_data=none),
        "kind_rows": [(t(k.ja, k.en), k.members, k.pending, k.returned, k.suspended) for k in m.by_kind],
        "block_chart": _split("members-block", m.by_block, t, horizontal=False),
        "block_rows": _area_rows(m.by_block, t),
        "prefecture_chart": _split("members-prefecture", [p for p in m.by_prefecture if p.members], t,
                                   horizontal=True),
        "prefecture_rows": _area_rows([p for p in m.by_prefecture if p.members or p.pending], t),
        "map": {"width": WIDTH, "height": HEIGHT, "outline": outline(),
                "bubbles": bubbles((p.code, p.name, p.lat, p.lon, p.members) for p in points)},
        "map_rows": [(p.name, p.members, p.local_governments, p.organisations) for p in points],
        "base_chart": charts.bar("small-bases-block", [t(b.ja, b.en) for b in s.by_block],
                                 [charts.Series(t("小さな拠点", "Small bases"), [b.registered for b in s.by_block])],
                                 no_data=none),
        "base_rows": [(t(b.ja, b.en), b.registered) for b in s.by_block],
    }
