"""Membership's pages: a member's own application status, and the operators' review and CSV pages."""

from __future__ import annotations

from fastapi import APIRouter

from services.registry.membership.pages import member, operator

router = APIRouter(include_in_schema=False)
router.include_router(member.router)
router.include_router(operator.router)
