"""Signed session cookies: the browser keeps the session, the server keeps only the key.

The cookie is HttpOnly and SameSite=Lax (Secure outside development), signed
and time-stamped with itsdangerous, so it cannot be forged or kept forever.
Each session carries a random CSRF token that every form must echo (kit.web.csrf).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from kit.defaults import SESSION_LIFETIME
from kit.web.auth import Principal

COOKIE = "kakawari_session"


@dataclass
class SessionCodec:
    secret: str
    max_age_s: int = int(SESSION_LIFETIME.total_seconds())
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


def session_user(who: Principal) -> dict[str, Any]:
    """The signed-in person as a session keeps them."""
    return {"id": str(who.user_id), "email": who.email, "role": who.role,
            "member_id": str(who.member_id) if who.member_id else None}


def signed_in(session: dict[str, Any] | None) -> Principal | None:
    """The person a session is signed in as, if any: every service's pages read it the same way."""
    user = (session or {}).get("user")
    if not isinstance(user, dict):
        return None
    return Principal(user_id=UUID(user["id"]), email=user["email"], role=user["role"],
                     member_id=UUID(user["member_id"]) if user.get("member_id") else None)
