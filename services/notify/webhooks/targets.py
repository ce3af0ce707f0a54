"""Splitting and resolving a webhook URL, for the address guard (`domain/guard.py`).

The URL is split by httpx, the parser that also sends, so the host checked is the host
connected to; the host is resolved through the event loop with a deadline.
"""

from __future__ import annotations

import asyncio
import socket

import httpx

from kit.errors import ValidationFailed
from services.notify.config import NotifyConfig
from services.notify.webhooks.domain.guard import Target, address_problem, url_problem

RESOLVE_TIMEOUT_S = 5.0
DEFAULT_PORTS = {"https": 443, "http": 80}


def allow_private(config: NotifyConfig, production: bool) -> bool:
    """Private and loopback endpoints: allowed in development, refused in production, unless set."""
    return (not production) if config.allow_private_webhooks is None else config.allow_private_webhooks


def split(url: str) -> Target | None:
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError, TypeError):
        return None
    if not parsed.is_absolute_url:
        return None
    return Target(scheme=parsed.scheme, host=host, port=parsed.port, userinfo=bool(parsed.userinfo),
                  fragment=bool(parsed.fragment))


def port_of(target: Target) -> int:
    return target.port or DEFAULT_PORTS.get(target.scheme, 443)


async def resolve(target: Target) -> list[str]:
    """Every address the host resolves to, in the resolver's order; none if it does not."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            found = await loop.getaddrinfo(target.host, port_of(target), type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in found))


async def checked_url(url: str, *, allow_private: bool) -> str:
    """The URL if it may receive webhooks (raises ValidationFailed on `url` otherwise).
    In development nothing is resolved: any address is allowed, and a name that does not
    resolve yet is only a failed try later."""
    url = url.strip()
    target = split(url)
    problem = url_problem(url, target, allow_private=allow_private)
    if problem is None and target is not None and not allow_private:
        problem = address_problem(await resolve(target), allow_private=False)
    if problem is not None:
        raise ValidationFailed([problem])
    return url
