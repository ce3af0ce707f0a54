"""Emailed links: a random token, signed and time-stamped; only its SHA-256 is stored.

The signature rejects tampered or stale links before any query; the stored hash
makes each link single use and lets an operator revoke it; a database leak
reveals no usable link. Each purpose has its own lifetime and its own signing salt,
so a sign-in link cannot set a password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Literal

from itsdangerous import BadSignature, URLSafeTimedSerializer

from kit.errors import Unauthorized

Purpose = Literal["invite", "login", "password"]
INVITE: Purpose = "invite"
LOGIN: Purpose = "login"
PASSWORD: Purpose = "password"
PATHS: dict[Purpose, str] = {INVITE: "invite", LOGIN: "login/link", PASSWORD: "password"}
TTL: dict[Purpose, timedelta] = {
    INVITE: timedelta(days=7),
    LOGIN: timedelta(minutes=30),  # the sign-in page says "valid 30 minutes"
    PASSWORD: timedelta(days=3),
}


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _serializer(secret: str, purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"registry.link.{purpose}")


def new_link(secret: str, purpose: Purpose) -> tuple[str, str]:
    """(signed token for the URL, hash to store)."""
    raw = secrets.token_urlsafe(32)
    return _serializer(secret, purpose).dumps(raw), token_hash(raw)


def link_url(base_url: str, purpose: Purpose, signed: str) -> str:
    return f"{base_url.rstrip('/')}/registry/{PATHS[purpose]}/{signed}"


def open_link(secret: str, purpose: Purpose, signed: str) -> str:
    """The stored hash for a signed token, or 401 if forged, altered or older than its purpose allows."""
    try:
        raw = _serializer(secret, purpose).loads(signed, max_age=int(TTL[purpose].total_seconds()))
    except BadSignature as exc:
        raise invalid_link() from exc
    if not isinstance(raw, str):
        raise invalid_link()
    return token_hash(raw)


def invalid_link() -> Unauthorized:
    return Unauthorized(ja="リンクが無効か、有効期限が切れています。もう一度お申し込みください。",
                        en="This link is invalid or has expired. Please request a new one.")
