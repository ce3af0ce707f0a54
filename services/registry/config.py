"""registry's own knobs: rate limits and link lifetimes, read from the environment once.

Tests replace `runtime.extras[LIMITS_KEY]` to tighten or loosen the limits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

from kit.runtime import ServiceRuntime
from kit.web.ratelimit import Limit, SlidingWindow

LIMITS_KEY = "registry.limits"
INVITE_TTL = timedelta(days=7)
LOGIN_LINK_TTL = timedelta(minutes=30)
PASSWORD_LINK_TTL = timedelta(days=3)


def _limit(name: str, default: str) -> SlidingWindow:
    return SlidingWindow(Limit.parse(os.getenv(name) or default))


@dataclass
class RateLimits:
    """Per client IP and per email; sign-in is stricter than browsing, applying stricter still."""

    login_ip: SlidingWindow = field(default_factory=lambda: _limit("REGISTRY_LOGIN_IP_LIMIT", "30/300"))
    login_email: SlidingWindow = field(default_factory=lambda: _limit("REGISTRY_LOGIN_EMAIL_LIMIT", "10/300"))
    apply_ip: SlidingWindow = field(default_factory=lambda: _limit("REGISTRY_APPLY_IP_LIMIT", "20/3600"))


def rate_limits(runtime: ServiceRuntime) -> RateLimits:
    limits = runtime.extras.get(LIMITS_KEY)
    if not isinstance(limits, RateLimits):
        limits = runtime.extras[LIMITS_KEY] = RateLimits()
    return limits
