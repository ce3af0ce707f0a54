"""matching's pages, mounted under /matching/: the sub-slices' page routers.

Templates live in ./templates/pages, one folder per slice, registered by main.py as `matching/…`;
the pages' scripts in ./static (served at /matching/assets/).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from kit.web.static import static_router
from services.matching.applications.pages import router as applications
from services.matching.helpers.pages import router as helpers
from services.matching.participation.pages import router as participation
from services.matching.programs.pages import router as programs
from services.matching.recommendations.pages import router as recommendations
from services.matching.rounds.pages import router as rounds

router = APIRouter(include_in_schema=False)
# Each slice's page router, one line each:
router.include_router(static_router(Path(__file__).parent / "static"))
router.include_router(rounds)
router.include_router(recommendations)
router.include_router(participation)
router.include_router(programs)
router.include_router(applications)
router.include_router(helpers)
