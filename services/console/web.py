"""FastAPI parameters every console route may take, declared once. Every console route is for
operators only: the API takes an operator's bearer token (`Operator`), the pages an operator's
session (`page.require_operator()`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from kit.web.page import PageContext, page_dependency
from services.console.bootstrap import ConsoleDeps

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
