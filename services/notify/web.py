"""FastAPI parameters every notify route may take, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from kit.web.page import PageContext, page_dependency
from services.notify.bootstrap import NotifyDeps

Deps = Annotated[NotifyDeps, Depends(dependency(NotifyDeps))]
Caller = Annotated[Principal, Depends(principal)]  # the caller of the JSON API; 401 without a valid bearer token
NotifyPage = PageContext[NotifyDeps]
Page = Annotated[NotifyPage, Depends(page_dependency(NotifyDeps, service="notify"))]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
