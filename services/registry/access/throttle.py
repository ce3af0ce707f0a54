"""Rate limits on signing in and applying, per client IP and per email (429 with Retry-After)."""

from __future__ import annotations

from fastapi import Request

from kit.web.ratelimit import client_ip
from services.registry.config import RateLimits


def limit_login(request: Request, limits: RateLimits, email: str) -> None:
    limits.login_ip.check([f"ip:{client_ip(request)}"])
    limits.login_email.check([f"email:{email.lower()}"])


def limit_apply(request: Request, limits: RateLimits) -> None:
    limits.apply_ip.check([f"ip:{client_ip(request)}"])
