"""console's pages, mounted under /console/: the slices' page routers. Operators only.

Templates live in ./templates/pages, one folder per slice, registered by main.py as `console/…`;
the pages' script (live updates over SSE) and the charts' style in ./static.
"""

from __future__ import annotations

from fastapi import APIRouter

from services.console.changes.pages import router as changes
from services.console.dashboard import assets
from services.console.gatherings.pages import router as gatherings
from services.console.network.pages import router as network
from services.console.notifications.pages import router as notifications
from services.console.overview.pages import router as overview
from services.console.programs.pages import router as programs
from services.console.system.pages import router as system

router = APIRouter(include_in_schema=False)
PARTS: tuple[APIRouter, ...] = (  # the slices' routers
    overview, network, gatherings, programs, notifications, system, changes, assets)
for part in PARTS:
    router.include_router(part)
