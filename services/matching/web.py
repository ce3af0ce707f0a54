"""FastAPI parameters every matching route may take, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from kit.web.auth import Principal
from kit.web.deps import dependency, maybe_principal, principal
from kit.web.page import PageContext, page_dependency
from services.matching.bootstrap import MatchingDeps

Deps = Annotated[MatchingDeps, Depends(dependency(MatchingDeps))]
Caller = Annotated[Principal, Depends(principal)]  # 401 without a valid bearer token
MaybeCaller = Annotated[Principal | None, Depends(maybe_principal)]  # the public, or a signed-in person
MatchingPage = PageContext[MatchingDeps]
Page = Annotated[MatchingPage, Depends(page_dependency(MatchingDeps, service="matching"))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
