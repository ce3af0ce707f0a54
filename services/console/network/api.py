"""The network's figures over HTTP, operators only: JSON, and the same as CSV files for Excel."""

from __future__ import annotations

from fastapi import APIRouter, Response

from kit.contracts.base import Locale
from kit.web.openapi import problems
from services.console.network import service
from services.console.network.schemas import NetworkFigures, SmallBaseFigures
from services.console.web import CSV_RESPONSES, AsOf, Deps, Operator, csv_answer

router = APIRouter(tags=["network"])


@router.get("/network", response_model=NetworkFigures, responses=problems(401, 403))
async def network_figures(deps: Deps, who: Operator, as_of: AsOf = None) -> NetworkFigures:
    """Members (approved or active) as of the day: local governments and organisations, by kind, block
    and prefecture, on the map; suspended ones, and applications pending or returned. Counts only
    facts dated before the end (JST) of `as_of` (today if not given)."""
    return await service.figures(uow=deps.uow, as_of=as_of)


@router.get("/network.csv", response_class=Response, responses=CSV_RESPONSES)
async def network_csv(deps: Deps, who: Operator, as_of: AsOf = None, lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel, headers and labels in `lang`."""
    return csv_answer("network", *await service.figures_csv(uow=deps.uow, as_of=as_of, locale=lang))


@router.get("/network/small-bases", response_model=SmallBaseFigures, responses=problems(401, 403))
async def small_base_figures(deps: Deps, who: Operator, as_of: AsOf = None) -> SmallBaseFigures:
    """小さな拠点 registered on the platform as of the day, per block and prefecture, beside the national
    target (1,800 run by an RMO by FY2027) and the FY2025 survey (1,636 formed, 1,386 run by an RMO)."""
    return await service.small_base_figures(uow=deps.uow, as_of=as_of)


@router.get("/network/small-bases.csv", response_class=Response, responses=CSV_RESPONSES)
async def small_base_csv(deps: Deps, who: Operator, as_of: AsOf = None, lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel, headers and labels in `lang`."""
    return csv_answer("small-bases", *await service.small_base_figures_csv(uow=deps.uow, as_of=as_of, locale=lang))
