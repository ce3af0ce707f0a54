"""FastAPI dependencies shared by the API and the pages: runtime, principal, link keys."""

from __future__ import annotations

from fastapi import Depends, Request

from kit.errors import Unauthorized
from kit.runtime import ServiceRuntime
from kit.web.auth import Principal, bearer_principal
from kit.web.ratelimit import client_ip
from services.registry.config import rate_limits
from services.registry.people import LinkSettings


def runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def principal(request: Request, rt: ServiceRuntime = Depends(runtime)) -> Principal:
    found = bearer_principal(request, rt.settings.secret_key)
    if found is None:
        raise Unauthorized()
    return found


def link_settings(rt: ServiceRuntime) -> LinkSettings:
    return LinkSettings(secret=rt.settings.secret_key, base_url=rt.settings.public_base_url)


def limit_login(request: Request, rt: ServiceRuntime, email: str) -> None:
    limits = rate_limits(rt)
    limits.login_ip.check([f"ip:{client_ip(request)}"])
    limits.login_email.check([f"email:{email.lower()}"])


def limit_apply(request: Request, rt: ServiceRuntime) -> None:
    rate_limits(rt).apply_ip.check([f"ip:{client_ip(request)}"])
