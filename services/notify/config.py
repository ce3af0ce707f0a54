"""notify's own knobs, read once at start by the composition root (`bootstrap.py`).

The README's table lists the variables; tests build `NotifyConfig` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _flag(name: str) -> bool | None:
    value = os.getenv(name)
    return None if not value else value.strip().lower() not in ("0", "false", "no")


def _float(name: str, default: float) -> float:
    return float(os.getenv(name) or default)


@dataclass(frozen=True)
class NotifyConfig:
    # Who hears about new membership applications: the secretariat's operators.
    operator_emails: tuple[str, ...] = field(default_factory=lambda: tuple(
        a.strip().lower() for a in (os.getenv("NOTIFY_OPERATOR_EMAILS") or "operator@kakawari-lab.example.jp")
        .split(",") if a.strip()))
    # How long a claimed email or webhook may take before another try may take it over.
    lease_s: float = field(default_factory=lambda: _float("NOTIFY_LEASE_S", 120.0))
    # SMTP connections the mailer keeps side by side (each reused for its share of a batch).
    smtp_connections: int = field(default_factory=lambda: int(_float("NOTIFY_SMTP_CONNECTIONS", 4)))
    # Webhook endpoints on private or loopback addresses: refused in production, allowed in development.
    allow_private_webhooks: bool | None = field(default_factory=lambda: _flag("NOTIFY_ALLOW_PRIVATE_WEBHOOKS"))
    # None: follow the environment (development allows them, production does not)
