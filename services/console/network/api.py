"""The network's figures over HTTP, operators only: JSON, and the same as CSV files for Excel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from kit.contracts.base import Locale
from kit.web.openapi import problems
from services.console.domain import csv
from services.console.network import service
from services.console.network.schemas import NetworkFigures, SmallBaseFigures
from services.console.web import AsOf, Deps, Operator

router = APIRouter(tags=["network"])
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The dashboard as CSV (UTF-8 with a BOM), one section per table.",
          "content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.get("/network", response_model=NetworkFigures, responses=problems(401, 403))
async def network_figures(deps: Deps, who: Operator, as_of: AsOf = None) -> NetworkFigures:
    """Members (approved or active) as of the day: local governments and organisations, by kind, block
    and prefecture, on the map; suspended ones, and applications pending or returned. Counts only
    facts dated before the end (JST) of `as_of` (today if not given)."""
    return await service.figures(uow=deps.uow, as_of=as_of)


@router.get("/network.csv", response_class=Response, responses={**CSV_RESPONSE, **problems(401, 403)})
async def network_csv(deps: Deps, who: Operator, as_of: AsOf = None, lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel, headers and labels in `lang`."""
    day, body = await service.figures_csv(uow=deps.uow, as_of=as_of, locale=lang)
    return Response(body, media_type=csv.MEDIA_TYPE, headers=csv.attachment(csv.filename("network", day)))


@router.get("/network/small-bases", response_model=SmallBaseFigures, responses=problems(401, 403))
async def small_base_figures(deps: Deps, who: Operator, as_of: AsOf = None) -> SmallBaseFigures:
    """小さな拠点 registered on the platform as of the day, per block and prefecture, beside the national
    target (1,800 run by an RMO by FY2027) and the FY2025 survey (1,636 formed, 1,386 run by an RMO)."""
    return await service.small_base_figures(uow=deps.uow, as_of=as_of)


@router.get("/network/small-bases.csv", response_class=Response, responses={**CSV_RESPONSE, **problems(401, 403)})
async def small_base_csv(deps: Deps, who: Operator, as_of: AsOf = None, lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel, headers and labels in `lang`."""
    day, body = await service.small_base_figures_csv(uow=deps.uow, as_of=as_of, locale=lang)
    return Response(body, media_type=csv.MEDIA_TYPE, headers=csv.attachment(csv.filename("small-bases", day)))
