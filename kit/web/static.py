"""A service's static files (its pages' scripts and styles), served from the site itself.

The pages' Content-Security-Policy (kit.web.http_stack) allows no inline script, so every
script a page runs is a file here, loaded with `<script src=... defer>`. Only the files of
known types directly in the folder, listed once when the router is built, are served, by
name; anything else (a sub-folder, `..`, a `.py` file) is a 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, Response

from kit.errors import NotFound

MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
MAX_AGE_S = 300  # unversioned names: a changed script reaches browsers within minutes


def static_router(folder: Path, *, prefix: str = "/assets", max_age_s: int = MAX_AGE_S) -> APIRouter:
    """A router answering `GET <prefix>/<name>` with `folder/<name>`, its content type and cache headers."""
    files = {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in MEDIA_TYPES}
    cache = {"cache-control": f"public, max-age={max_age_s}"}
    router = APIRouter(include_in_schema=False)

    @router.get(f"{prefix}/{{name}}")
    async def static_file(name: str) -> Response:
        path = files.get(name)
        if path is None:
            raise NotFound()
        return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=cache)

    return router
