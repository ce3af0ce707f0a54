"""matching's HTTP API (JSON, under /matching/api/v1): the sub-slices' routers, nothing else."""

from __future__ import annotations

from fastapi import APIRouter

from services.matching.applications.api import router as applications
from services.matching.helpers.api import router as helpers
from services.matching.participation.api import router as participation
from services.matching.programs.api import router as programs
from services.matching.recommendations.api import router as recommendations
from services.matching.rounds.api import router as rounds

router = APIRouter()
for part in (programs, helpers):
    router.include_router(part)
router.include_router(applications)
router.include_router(recommendations)
router.include_router(rounds)
router.include_router(participation)
