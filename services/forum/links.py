"""Signed links a person gets by email: manage their signup (cancel, change details, calendar)
and verify their address (double opt-in). The signature (itsdangerous, keyed by the platform's
secret) makes them tamper-proof; a verification link expires with the seat hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from kit.web.signed import Signer

MANAGE, VERIFY = "forum.manage", "forum.verify"


@dataclass(frozen=True)
class SignupLinks:
    secret: str
    base_url: str
    _manage: Signer = field(init=False, repr=False)
    _verify: Signer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_manage", Signer(self.secret, MANAGE))
        object.__setattr__(self, "_verify", Signer(self.secret, VERIFY))

    def manage_token(self, signup_id: UUID) -> str:
        return self._manage.sign(str(signup_id))

    def manage_url(self, signup_id: UUID) -> str:
        return f"{self.base_url.rstrip('/')}/forum/manage/{self.manage_token(signup_id)}"

    def verify_url(self, signup_id: UUID) -> str:
        return f"{self.base_url.rstrip('/')}/forum/verify/{self._verify.sign(str(signup_id))}"

    def read_manage(self, token: str) -> UUID | None:
        return _read(self._manage, token)

    def read_verify(self, token: str) -> UUID | None:
        return _read(self._verify, token)


def _read(signer: Signer, token: str) -> UUID | None:
    value = signer.read(token)
    try:
        return UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None
