"""Japanese first: pick the locale from ?lang=, the `lang` cookie, then Accept-Language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request

JST = ZoneInfo("Asia/Tokyo")
LOCALES = ("ja", "en")


def request_locale(request: Request) -> str:
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LOCALES:
            return candidate
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "ja"


def jst(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Render a timestamp in JST, as every page and message shows dates."""
    return "" if value is None else value.astimezone(JST).strftime(fmt)
