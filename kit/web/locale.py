"""Japanese first: pick the locale from ?lang=, the `lang` cookie, then Accept-Language."""

from __future__ import annotations

from starlette.requests import Request

from kit.contracts.base import DEFAULT_LOCALE, LOCALES, Locale

__all__ = ["LOCALES", "Locale", "as_locale", "request_locale"]


def as_locale(value: object) -> Locale | None:
    """`value` if it names a supported locale, else None."""
    return next((locale for locale in LOCALES if locale == value), None)


def request_locale(request: Request) -> Locale:
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if (locale := as_locale(candidate)) is not None:
            return locale
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else DEFAULT_LOCALE

