"""Routers added flat give the same app as FastAPI's include_router: same OpenAPI document,
same routes by name, for every service."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI

from kakawari import catalog
from kit.web.deps import dependency
from kit.web.routing import include_flat


@pytest.mark.parametrize("service", catalog.SERVICE_NAMES)
def test_flat_routes_give_the_same_document_and_names(service: str) -> None:
    definition = catalog.load(service)
    nested, flat = FastAPI(title=service), FastAPI(title=service)
    nested.include_router(definition.api, prefix="/api/v1")
    include_flat(flat, definition.api, prefix="/api/v1")
    if definition.pages is not None:
        nested.include_router(definition.pages)
        include_flat(flat, definition.pages)
    assert flat.openapi() == nested.openapi()
    names = {getattr(r, "name", None) for r in flat.router.routes} - {None}
    for name in names:
        route = next(r for r in flat.router.routes if getattr(r, "name", None) == name)
        params = {p: "1" for p in getattr(route, "param_convertors", {})}
        assert nested.url_path_for(name, **params) == flat.url_path_for(name, **params)


class Wanted:
    name = "wanted"


class Other:
    pass


async def test_an_endpoint_gets_its_service_deps_without_a_sub_dependency() -> None:
    """`deps: Deps` is passed by the kit's route from the app, the same object FastAPI's
    dependency would give; a route on an app with other dependencies fails loudly."""
    router = APIRouter()

    @router.get("/items/{item}")
    async def item(item: int, deps: Annotated[Wanted, Depends(dependency(Wanted))]) -> dict[str, object]:
        return {"item": item, "deps": deps.name}

    for state, expected in ((Wanted(), 200), (Other(), 500)):
        app = FastAPI()
        app.state.deps = state
        include_flat(app, router)
        params = app.openapi()["paths"]["/items/{item}"]["get"]["parameters"]
        assert [p["name"] for p in params] == ["item"]  # no trace of the dependency or the request
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=expected == 200)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            answer = await client.get("/items/7")
        assert answer.status_code == expected
        if expected == 200:
            assert answer.json() == {"item": 7, "deps": "wanted"}
