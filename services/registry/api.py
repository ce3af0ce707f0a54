"""registry's HTTP API (JSON, under /registry/api/v1): the sub-slices' routers, nothing else."""

from __future__ import annotations

from fastapi import APIRouter

from services.registry.access.api import router as access
from services.registry.directory.api import router as directory
from services.registry.membership.api import router as membership
from services.registry.membership.api import workflow_router
from services.registry.small_bases.api import router as small_bases

router = APIRouter()
for part in (access, membership, small_bases, directory):
    router.include_router(part)
# Last: its `/members/{id}/{action}` would otherwise shadow /members/{id}/small-bases and friends.
router.include_router(workflow_router)
