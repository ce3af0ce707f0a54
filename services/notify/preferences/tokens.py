"""Signed one-click unsubscribe links (RFC 8058): whoever holds the link may turn off one
category of email for one address, without signing in. The signature (itsdangerous, keyed by
the platform's secret) makes the link unguessable; it does not expire, as RFC 8058 expects."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from kit.web.signed import Signer

SALT = "notify.unsubscribe"
PATH = "/notify/unsubscribe"


@dataclass(frozen=True)
class UnsubscribeLinks:
    secret: str
    base_url: str
    _signer: Signer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_signer", Signer(self.secret, SALT))

    def token(self, recipient: str, category: str) -> str:
        return self._signer.sign([recipient.lower(), category])

    def url(self, recipient: str, category: str) -> str:
        return f"{self.base_url.rstrip('/')}{PATH}?token={quote(self.token(recipient, category))}"

    def read(self, token: str) -> tuple[str, str] | None:
        """(recipient, category) from a token this platform signed, else None."""
        value = self._signer.read(token)
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            return None
        return value[0], value[1]
