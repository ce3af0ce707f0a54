"""registry's server-rendered pages, mounted under /registry/: the sub-slices' page routers.

Templates live in ./templates, one folder per slice, registered by main.py as `registry/…`;
the pages' scripts in ./static, served by web/assets.py.
"""

from __future__ import annotations

from fastapi import APIRouter

from services.registry.access.pages import router as access
from services.registry.directory.pages import router as directory
from services.registry.membership.pages import router as membership
from services.registry.web.assets import router as assets

router = APIRouter(include_in_schema=False)
for part in (directory, access, membership, assets):
    router.include_router(part)
