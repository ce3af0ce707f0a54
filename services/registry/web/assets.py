"""The pages' scripts, served from the site itself under /registry/assets/: the
Content-Security-Policy allows no inline script. Only the files in ../static are served, by name."""

from __future__ import annotations

from pathlib import Path

from kit.web.static import static_router

STATIC = Path(__file__).parent.parent / "static"

router = static_router(STATIC)
