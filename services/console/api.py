"""console's HTTP API (JSON, under /console/api/v1): the slices' routers, nothing else. Operators only."""

from __future__ import annotations

from fastapi import APIRouter

from services.console.gatherings.api import router as gatherings
from services.console.network.api import router as network
from services.console.notifications.api import router as notifications
from services.console.overview.api import router as overview
from services.console.programs.api import router as programs
from services.console.projections.api import router as projections
from services.console.system.api import router as system

router = APIRouter()
# The slices' routers.
PARTS: tuple[APIRouter, ...] = (overview, projections, network, programs, gatherings, notifications, system)
for part in PARTS:
    router.include_router(part)
