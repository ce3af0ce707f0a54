"""Routers added to an app flat: every route at its full path, on the app's own router.

FastAPI (0.165) resolves an included router lazily, on every request, once per level of
inclusion; a service whose API is sub-slices of routers pays that on each call. Adding the
resolved routes directly gives the same routes, paths and OpenAPI document without the
per-request walk (`tests/unit/kit/test_routing.py` checks the documents are equal).

Routing still tries routes in order until one matches, so each route first compares the
literal start of its path (up to its first parameter) and only then runs its regex. The
kit's route also refuses text carrying a NUL before the endpoint runs (`kit.web.nul_guard`),
and hands an endpoint its service's typed dependencies (`deps: Deps`) straight from the app,
as `kit.web.deps.dependency` would, without FastAPI solving a sub-dependency per request.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, get_type_hints

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from kit.web.deps import app_deps, service_deps_kind
from kit.web.nul_guard import refuse_nul

# What add_api_route takes, read from the resolved route: the include's prefix, tags,
# dependencies and responses are already combined with the route's own.
_OPTIONS = (
    "response_model", "status_code", "tags", "dependencies", "summary", "description", "response_description",
    "responses", "deprecated", "methods", "operation_id", "response_model_include", "response_model_exclude",
    "response_model_by_alias", "response_model_exclude_unset", "response_model_exclude_defaults",
    "response_model_exclude_none", "include_in_schema", "response_class", "name", "callbacks", "openapi_extra",
    "generate_unique_id_function", "strict_content_type", "max_body_size",
)


class KitRoute(APIRoute):
    """An APIRoute that rules itself out on its literal prefix before trying its regex, and
    refuses NUL characters in its input."""

    def __init__(self, path: str, endpoint: Any, **options: Any) -> None:
        super().__init__(path, endpoint, **options)
        self._literal = self.path_format.split("{", 1)[0]
        self._exact = "{" not in self.path_format

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            # Tried for every request until one matches: kept to a few dict and string operations.
            full = scope["path"]
            cached = scope.get(_ROUTE_PATH)
            if cached is None or cached[0] is not full:  # a redirect check copies the scope with another path
                cached = scope[_ROUTE_PATH] = (full, get_route_path(scope))
            path = cached[1]
            if path != self._literal if self._exact else not path.startswith(self._literal):
                return Match.NONE, {}
        return super().matches(scope)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            await refuse_nul(request)
            return await handler(request)

        return guarded


_ROUTE_PATH = "kakawari.route_path"  # (scope path, the path routes match on), worked out once a request


def include_flat(app: FastAPI, router: APIRouter, *, prefix: str = "") -> None:
    """`app.include_router(router, prefix=prefix)`, resolved once now instead of per request."""
    staging = APIRouter()
    staging.include_router(router, prefix=prefix)
    for context in iter_route_contexts(staging.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):  # a plain Starlette route or mount: nothing to resolve
            app.router.routes.append(route)
            continue
        options: dict[str, Any] = {name: getattr(context, name) for name in _OPTIONS}
        options["dependencies"] = list(options["dependencies"] or [])
        options["tags"] = list(options["tags"] or [])
        route_class = KitRoute if type(route) is APIRoute else type(route)
        endpoint = with_service_deps(route.endpoint) if route_class is KitRoute else route.endpoint
        app.router.add_api_route(_path(context), endpoint, route_class_override=route_class, **options)


def with_service_deps(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint`, taking the request instead of its `dependency(kind)` parameters and passing the
    app's dependencies to those itself. Other parameters, the return annotation and so the
    OpenAPI document stay as they are. Async endpoints only: a sync one runs on a thread."""
    if not inspect.iscoroutinefunction(endpoint):
        return endpoint
    hints = get_type_hints(endpoint, include_extras=True)
    signature = inspect.signature(endpoint)
    injected: dict[str, type] = {}
    for name in signature.parameters:
        for marker in getattr(hints.get(name), "__metadata__", ()):
            kind = service_deps_kind(getattr(marker, "dependency", None))
            if kind is not None:
                injected[name] = kind
    if not injected:
        return endpoint
    request_name = next((n for n in signature.parameters if hints.get(n) is Request), None)
    added = request_name is None
    request_name = request_name or "kakawari_request"
    parameters = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()
                  if p.name not in injected]
    if added:
        parameters.append(inspect.Parameter(request_name, inspect.Parameter.KEYWORD_ONLY, annotation=Request))

    @functools.wraps(endpoint)
    async def resolved(**values: Any) -> Any:
        request = values.pop(request_name) if added else values[request_name]
        for name, kind in injected.items():
            values[name] = app_deps(request, kind)
        return await endpoint(**values)

    resolved.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=sorted(parameters, key=lambda p: p.kind),
        return_annotation=hints.get("return", signature.return_annotation))
    del resolved.__wrapped__  # FastAPI must read the new signature, not the original's
    return resolved


def _path(context: RouteContext) -> str:
    path = context.path
    if path is None:
        raise ValueError(f"route {context.original_route!r} has no path")
    return path
