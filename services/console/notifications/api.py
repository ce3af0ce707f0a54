"""The notifications dashboard's HTTP API, operators only: its figures as of a day as JSON, and the
same as a CSV file for Excel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kit.contracts.base import Locale
from kit.web.openapi import problems
from services.console.domain.days import DEFAULT_DAYS, MAX_DAYS
from services.console.notifications import service
from services.console.notifications.schemas import NotificationFigures
from services.console.web import CSV_RESPONSES, AsOf, Deps, Operator, csv_answer

router = APIRouter(tags=["notifications"])
Days = Annotated[int, Query(ge=1, le=MAX_DAYS, description="per-day figures over this many days ending on `as_of`")]


@router.get("/notifications", response_model=NotificationFigures, responses=problems(401, 403))
async def notifications(deps: Deps, who: Operator, as_of: AsOf = None, days: Days = DEFAULT_DAYS
                        ) -> NotificationFigures:
    """Deliveries by their state (sent, deferred, failed, bounced) in all, per channel and per
    template; sent and failed per day; suppressed addresses; the latest failures with their trace
    ids. Only facts dated before the end (JST) of `as_of` (today if not given) count."""
    return await service.figures(uow=deps.uow, as_of=as_of, days=days)


@router.get("/notifications.csv", response_class=Response, responses=CSV_RESPONSES)
async def notifications_csv(deps: Deps, who: Operator, as_of: AsOf = None, days: Days = DEFAULT_DAYS,
                            lang: Locale = "ja") -> Response:
    """The same figures as a CSV file for Excel: headers and labels in `lang`, times in JST."""
    return csv_answer("notifications", *await service.figures_csv(uow=deps.uow, as_of=as_of, days=days, locale=lang))
