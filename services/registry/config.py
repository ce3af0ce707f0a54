"""registry's own knobs, read once at start by the composition root (`bootstrap.py`).

Rate limits come from the environment (the README lists the variables); link settings from
the platform's Settings. Both sit in `RegistryDeps`, where tests swap them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kit.web.ratelimit import Limit, SlidingWindow


def _limit(name: str, default: str) -> SlidingWindow:
    return SlidingWindow(Limit.parse(os.getenv(name) or default))


@dataclass
class RateLimits:
    """Per client IP and per email; sign-in is stricter than browsing, applying stricter still."""

    login_ip: SlidingWindow = field(default_factory=lambda: _limit("REGISTRY_LOGIN_IP_LIMIT", "30/300"))
    login_email: SlidingWindow = field(default_factory=lambda: _limit("REGISTRY_LOGIN_EMAIL_LIMIT", "10/300"))
    apply_ip: SlidingWindow = field(default_factory=lambda: _limit("REGISTRY_APPLY_IP_LIMIT", "20/3600"))


@dataclass(frozen=True)
class LinkSettings:
    """What minting an emailed link needs: the signing key and the public address it points to."""

    secret: str
    base_url: str
