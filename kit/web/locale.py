"""Japanese first: pick the locale from ?lang=, the `lang` cookie, then Accept-Language."""

from __future__ import annotations

from starlette.requests import Request

LOCALES = ("ja", "en")


def request_locale(request: Request) -> str:
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LOCALES:
            return candidate
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "ja"

