"""The pages' scripts, served from the site itself: the Content-Security-Policy allows no inline script.

Only the files in ../static are served, by name; anything else is a 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, Response

from kit.errors import NotFound

STATIC = Path(__file__).parent.parent / "static"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8"}
FILES = {p.name: p for p in STATIC.iterdir() if p.suffix in MEDIA_TYPES}

router = APIRouter(include_in_schema=False)


@router.get("/assets/{name}")
async def asset(name: str) -> Response:
    path = FILES.get(name)
    if path is None:
        raise NotFound()
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers={"cache-control": "public, max-age=300"})
