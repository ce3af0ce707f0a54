"""FastAPI dependencies shared by the API and the pages: link keys and rate limits
(runtime and principal come from the kit and are re-exported here)."""

from __future__ import annotations

from fastapi import Request

from kit.runtime import ServiceRuntime
from kit.web.deps import principal, runtime
from kit.web.ratelimit import client_ip
from services.registry.config import rate_limits
from services.registry.people import LinkSettings

__all__ = ["limit_apply", "limit_login", "link_settings", "principal", "runtime"]


def link_settings(rt: ServiceRuntime) -> LinkSettings:
    return LinkSettings(secret=rt.settings.secret_key, base_url=rt.settings.public_base_url)


def limit_login(request: Request, rt: ServiceRuntime, email: str) -> None:
    limits = rate_limits(rt)
    limits.login_ip.check([f"ip:{client_ip(request)}"])
    limits.login_email.check([f"email:{email.lower()}"])


def limit_apply(request: Request, rt: ServiceRuntime) -> None:
    rate_limits(rt).apply_ip.check([f"ip:{client_ip(request)}"])
