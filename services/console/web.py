"""FastAPI parameters every console route may take, declared once, and the CSV answer every
dashboard's export gives. Every console route is for operators only: the API takes an operator's
bearer token (`Operator`), the pages an operator's session (`page.require_operator()`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Response

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from kit.web.openapi import problems
from kit.web.page import PageContext, page_dependency
from services.console.bootstrap import ConsoleDeps
from services.console.domain import csv

Deps = Annotated[ConsoleDeps, Depends(dependency(ConsoleDeps))]
ConsolePage = PageContext[ConsoleDeps]
Page = Annotated[ConsolePage, Depends(page_dependency(ConsoleDeps, service="console"))]


async def _operator(who: Principal = Depends(principal)) -> Principal:
    who.require_operator()
    return who


Operator = Annotated[Principal, Depends(_operator)]  # 401 without a token, 403 for anyone but an operator
# The day the figures are as of (its end, in JST); today when not given. Bounded so no date overflows.
AsOf = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2999, 12, 31),
                                    description="figures as of this day's end (JST), YYYY-MM-DD")]
# A `.csv` route's `responses=`: the file, and the errors of a route for operators only.
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The dashboard as CSV (UTF-8 with a BOM), one section per table.",
          "content": {"text/csv": {"schema": {"type": "string"}}}},
    **problems(401, 403)}


def csv_answer(name: str, day: date, body: bytes) -> Response:
    """A dashboard's CSV as a download, `kakawari-<name>-<YYYYMMDD>.csv` for the day it is as of."""
    return Response(body, media_type=csv.MEDIA_TYPE, headers=csv.attachment(csv.filename(name, day)))
