"""console's pages, mounted under /console/: the slices' page routers. Operators only.

Templates live in ./templates/pages, one folder per slice, registered by main.py as `console/…`;
the pages' script (live updates over SSE) and the charts' style in ./static.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
PARTS: tuple[APIRouter, ...] = ()  # the slices' routers
for part in PARTS:
    router.include_router(part)
