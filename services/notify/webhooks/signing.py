"""Standard Webhooks signatures (https://www.standardwebhooks.com): what a receiver verifies.

Each try carries `webhook-id` (the delivery's id: the same on every retry, so receivers can
drop repeats), `webhook-timestamp` (that try's time, in Unix seconds: receivers refuse stale
ones, so every try is signed afresh) and `webhook-signature`: `v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`, one per secret, space-separated, while a rotation lets two sign.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and the base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signature(msg_id: str, at: datetime, body: str, signing: Sequence[str]) -> str:
    """The `webhook-signature` value: one `v1,` signature per secret, space-separated."""
    stamp = at.astimezone(UTC)
    return " ".join(Webhook(secret).sign(msg_id, stamp, body) for secret in signing)


def headers(msg_id: str, at: datetime, body: str, signing: Sequence[str]) -> dict[str, str]:
    """Every header a signed try carries."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(msg_id, at, body, signing),
        "content-type": "application/json",
    }
