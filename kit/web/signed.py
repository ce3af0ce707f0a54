"""Values signed with the platform's secret for one purpose: the tokens in links people get by
email that prove themselves without a session (manage a signup, unsubscribe). Tamper-proof, not
secret, and without expiry (a purpose that needs one uses itsdangerous' timed serializer)."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer


class Signer:
    def __init__(self, secret: str, purpose: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=purpose)  # the purpose keeps tokens apart

    def sign(self, value: str | list[str]) -> str:
        return str(self._serializer.dumps(value))

    def read(self, token: str) -> object | None:
        """The value this platform signed for this purpose, else None."""
        try:
            value: object = self._serializer.loads(token)
        except BadSignature:
            return None
        return value
