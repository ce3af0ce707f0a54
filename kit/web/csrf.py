"""CSRF protection for server-rendered forms: a per-session token echoed in every POST.

SameSite=Lax already keeps the cookie off cross-site POSTs in modern browsers;
the token is the second lock for older browsers and same-site attackers.
"""

from __future__ import annotations

import hmac
from typing import Any

from kit.errors import Forbidden

FIELD = "csrf_token"


def verify_csrf(session: dict[str, Any] | None, submitted: object) -> None:
    """Raise Forbidden (403) unless the form's token matches the session's."""
    expected = (session or {}).get("csrf")
    if not isinstance(expected, str) or not isinstance(submitted, str) or not submitted:
        raise _forbidden()
    if not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise _forbidden()


def _forbidden() -> Forbidden:
    return Forbidden(ja="フォームの有効期限が切れたか、不正な送信です。ページを再読み込みしてください。",
                     en="The form expired or was not sent from this site. Reload the page and try again.")
