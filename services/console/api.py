"""console's HTTP API (JSON, under /console/api/v1): the slices' routers, nothing else. Operators only."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
PARTS: tuple[APIRouter, ...] = ()  # the slices' routers
for part in PARTS:
    router.include_router(part)
