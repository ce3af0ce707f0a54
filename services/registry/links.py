"""Emailed links: a random token, signed and time-stamped; only its SHA-256 is stored.

The signature rejects tampered or stale links before any query; the stored hash
makes each link single use and lets an operator revoke it; a database leak
reveals no usable link.
"""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from kit.errors import Unauthorized

INVITE, LOGIN, PASSWORD = "invite", "login", "password"
PATHS = {INVITE: "invite", LOGIN: "login/link", PASSWORD: "password"}


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"registry.link.{purpose}")


def new_link(secret: str, purpose: str) -> tuple[str, str]:
    """(signed token for the URL, hash to store)."""
    raw = secrets.token_urlsafe(32)
    return _serializer(secret, purpose).dumps(raw), token_hash(raw)


def link_url(base_url: str, purpose: str, signed: str) -> str:
    return f"{base_url.rstrip('/')}/registry/{PATHS[purpose]}/{signed}"


def open_link(secret: str, purpose: str, signed: str, max_age_s: int) -> str:
    """The stored hash for a signed token, or 401 if forged, altered or expired."""
    try:
        raw = _serializer(secret, purpose).loads(signed, max_age=max_age_s)
    except BadSignature as exc:
        raise invalid_link() from exc
    if not isinstance(raw, str):
        raise invalid_link()
    return token_hash(raw)


def invalid_link() -> Unauthorized:
    return Unauthorized(ja="リンクが無効か、有効期限が切れています。もう一度お申し込みください。",
                        en="This link is invalid or has expired. Please request a new one.")
