"""FastAPI dependencies every service uses: its runtime, and the bearer-token principal."""

from __future__ import annotations

from fastapi import Depends, Request

from kit.errors import Unauthorized
from kit.runtime import ServiceRuntime
from kit.web.auth import Principal, bearer_principal


def runtime(request: Request) -> ServiceRuntime:
    """The service runtime whose app is serving this request."""
    return request.app.state.runtime  # type: ignore[no-any-return]


def principal(request: Request, rt: ServiceRuntime = Depends(runtime)) -> Principal:
    """The signed-in caller (401 without a valid bearer token)."""
    found = bearer_principal(request, rt.settings.secret_key)
    if found is None:
        raise Unauthorized()
    return found
