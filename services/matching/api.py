"""matching's HTTP API (JSON, under /matching/api/v1): the sub-slices' routers, nothing else."""

from __future__ import annotations

from fastapi import APIRouter

from services.matching.helpers.api import router as helpers
from services.matching.programs.api import router as programs

router = APIRouter()
for part in (programs, helpers):
    router.include_router(part)
