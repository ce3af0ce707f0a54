"""Who a test acts as: a person, their bearer token, or a signed-in browser session made with the
platform's own session codec (as the registry's sign-in sets it), and a page's CSRF token."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from uuid import UUID, uuid4

import httpx
from starlette.responses import Response

from kit.web.auth import Principal, issue_token
from kit.web.sessions import SessionCodec, session_user
from tests.support.platform import TEST_SECRET


def person(email: str | None = None, role: str = "staff", member_id: UUID | None = None) -> Principal:
    return Principal(user_id=uuid4(), email=email or f"{role}-{uuid4().hex[:8]}@example.jp", role=role,
                     member_id=member_id)


def bearer(who: Principal | str, role: str = "staff") -> dict[str, str]:
    """The Authorization header of `who` (a Principal, or an address with `role`)."""
    principal = who if isinstance(who, Principal) else person(who, role)
    return {"authorization": f"Bearer {issue_token(principal, TEST_SECRET)}"}


def session_cookie(codec: SessionCodec, who: Principal) -> tuple[str, str]:
    """(cookie value, CSRF token) of a session signed in as `who`."""
    session = codec.new(user=session_user(who))
    response = Response()
    codec.save(response, session)
    return SimpleCookie(response.headers["set-cookie"])[codec.cookie].value, str(session["csrf"])


def sign_in(client: httpx.AsyncClient, codec: SessionCodec, who: Principal) -> str:
    """Sign `client` in as `who`; returns the session's CSRF token."""
    value, csrf = session_cookie(codec, who)
    client.cookies.set(codec.cookie, value)
    return csrf


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)
