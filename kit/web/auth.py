"""Bearer tokens (JWT, HS256) that every service can verify with the shared key.

The registry issues them; the other services only read the claims, so a
member's staff are recognised everywhere without a call back to the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from fastapi import Request

from kit.defaults import SESSION_LIFETIME
from kit.errors import Forbidden, NotFound, Unauthorized

OPERATOR = "operator"
MEMBER_ADMIN = "admin"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    user_id: UUID
    email: str
    role: str  # operator | admin | staff
    member_id: UUID | None = None

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR

    def require_operator(self) -> None:
        if not self.is_operator:
            raise Forbidden()

    def require_member(self, member_id: UUID, *, admin: bool = False) -> None:
        """Object-level check: operators may act on any member, staff only on their own.

        Another member's id gets the same 404 as one that does not exist, so guessing
        ids reveals nothing; the member's own staff lacking the admin role get a 403.
        """
        if self.is_operator:
            return
        if self.member_id != member_id:
            raise NotFound(ja="会員が見つかりません。", en="Member not found.")
        if admin and self.role != MEMBER_ADMIN:
            raise Forbidden(ja="会員の管理者のみが行えます。", en="Only the member's admins may do this.")


def issue_token(principal: Principal, secret: str, *, ttl: timedelta = SESSION_LIFETIME) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(principal.user_id), "email": principal.email, "role": principal.role,
              "member_id": str(principal.member_id) if principal.member_id else None,
              "iat": now, "exp": now + ttl, "aud": "kakawari"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience="kakawari")
        return Principal(user_id=UUID(claims["sub"]), email=claims["email"], role=claims["role"],
                         member_id=UUID(claims["member_id"]) if claims.get("member_id") else None)
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise Unauthorized(ja="トークンが無効です。", en="The token is not valid.") from exc


def bearer_principal(request: Request, secret: str) -> Principal | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return verify_token(token.strip(), secret)
