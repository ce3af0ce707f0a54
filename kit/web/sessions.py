"""Signed session cookies: the browser keeps the session, the server keeps only the key.

The cookie is HttpOnly and SameSite=Lax (Secure outside development), signed
and time-stamped with itsdangerous, so it cannot be forged or kept forever.
Each session carries a random CSRF token that every form must echo (kit.web.csrf).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "kakawari_session"


@dataclass
class SessionCodec:
    secret: str
    max_age_s: int = 8 * 3600
    secure: bool = False
    cookie: str = COOKIE

    @property
    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt="kakawari.session")

    def load(self, request: Request) -> dict[str, Any] | None:
        raw = request.cookies.get(self.cookie)
        if not raw:
            return None
        try:
            data = self._serializer.loads(raw, max_age=self.max_age_s)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("csrf"), str) else None

    def new(self, **data: Any) -> dict[str, Any]:
        """A fresh session; a new CSRF token each time, so signing in rotates it."""
        return {**data, "csrf": secrets.token_urlsafe(32)}

    def save(self, response: Response, data: dict[str, Any]) -> None:
        response.set_cookie(self.cookie, self._serializer.dumps(data), max_age=self.max_age_s,
                            httponly=True, samesite="lax", secure=self.secure, path="/")

    def clear(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path="/", httponly=True, samesite="lax", secure=self.secure)
