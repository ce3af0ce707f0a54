"""Access's pages: the application form, sign-in and emailed links, passwords, and a member's staff."""

from __future__ import annotations

from fastapi import APIRouter

from services.registry.access.pages import signin, signup, staff

router = APIRouter(include_in_schema=False)
for part in (signup.router, signin.router, staff.router):
    router.include_router(part)
