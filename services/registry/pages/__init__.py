"""registry's server-rendered pages (Jinja2), mounted under /registry/; templates live beside this file."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from kit.web.pages import register_templates
from services.registry.pages import members, operators, public

register_templates("registry", Path(__file__).parent)

router = APIRouter(include_in_schema=False)
for part in (public.router, members.router, operators.router):
    router.include_router(part)
