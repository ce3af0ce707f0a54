"""FastAPI dependencies every service uses: its typed dependencies, and the bearer-token principal.

A service declares `Deps = Annotated[RegistryDeps, Depends(dependency(RegistryDeps))]` once, and
its routes take `deps: Deps`; the object is the one its composition root built at start.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request

from kit.errors import Unauthorized
from kit.web.auth import Principal, bearer_principal

D = TypeVar("D")


def dependency(kind: type[D]) -> Callable[[Request], Awaitable[D]]:
    """A FastAPI dependency returning the serving app's `kind` dependencies."""

    # async, as every dependency here: FastAPI runs a plain `def` dependency on a worker thread.
    async def current(request: Request) -> D:
        return app_deps(request, kind)

    current.__name__ = f"{kind.__name__.lower()}_dependency"
    current.__kakawari_service_deps__ = kind  # type: ignore[attr-defined]  # routes resolve it directly
    return current


def app_deps(request: Request, kind: type[D]) -> D:
    """The serving app's dependencies, which must be a `kind`."""
    deps = request.app.state.deps
    if not isinstance(deps, kind):  # a route mounted on another service's app: a wiring bug
        raise TypeError(f"this app's dependencies are {type(deps).__name__}, not {kind.__name__}")
    return deps


def service_deps_kind(call: object) -> type | None:
    """The dependencies' type if `call` came from `dependency(kind)`, else None."""
    kind = getattr(call, "__kakawari_service_deps__", None)
    return kind if isinstance(kind, type) else None


async def principal(request: Request) -> Principal:
    """The signed-in caller (401 without a valid bearer token)."""
    found = bearer_principal(request, request.app.state.secret_key)
    if found is None:
        raise Unauthorized()
    return found


async def maybe_principal(request: Request) -> Principal | None:
    """The caller if a bearer token is sent (401 if it is invalid), else None: for routes the
    public may use too, where a signed-in member gets more (their identity filled in)."""
    return bearer_principal(request, request.app.state.secret_key)
