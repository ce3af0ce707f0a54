"""Routers added flat give the same app as FastAPI's include_router: same OpenAPI document,
same routes by name, for every service."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from kakawari import catalog
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
