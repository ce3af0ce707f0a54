"""Text with a NUL character is refused at the door, with the field that carried it.

PostgreSQL cannot store NUL in text (SQLite can), so such input would fail deep in a
transaction on one database and be kept on the other. Every route the kit adds checks the
path, the query string and the body once, with a plain byte search; only a request that
carries one is parsed further, to name the field in the 422 problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from starlette.requests import Request

_NUL = "\x00"
_RAW_NUL = (b"%00", b"\x00", b"\\u0000")  # percent-encoded, raw, JSON-escaped


def _error(location: tuple[str | int, ...], value: str) -> dict[str, Any]:
    return {"type": "string_nul", "loc": location, "msg": "NUL characters are not allowed", "input": value}


def _pairs(raw: bytes) -> Iterator[tuple[str, str]]:
    yield from parse_qsl(raw.decode("latin-1"), keep_blank_values=True)


def _json_paths(value: Any, location: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        if _NUL in value:
            yield location, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if _NUL in str(key):
                yield (*location, str(key)), str(key)
            yield from _json_paths(item, (*location, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_paths(item, (*location, index))


async def refuse_nul(request: Request) -> None:
    """Raise a 422 (as a validation error) if the request carries a NUL anywhere in its text."""
    errors: list[dict[str, Any]] = []
    path: str = request.scope["path"]  # ASGI gives it percent-decoded already
    if _NUL in path:
        errors.append(_error(("path",), path))
    query: bytes = request.scope.get("query_string", b"")
    if any(marker in query for marker in _RAW_NUL[:2]):
        errors += [_error(("query", key), value) for key, value in _pairs(query) if _NUL in key + value]
    content_type = request.headers.get("content-type", "")
    # Uploads may hold any bytes and are not read ahead here; text from them that reaches
    # PostgreSQL with a NUL is still a 422 (kit.web.problems), never a 500.
    if request.method in ("POST", "PUT", "PATCH") and not content_type.startswith("multipart/"):
        body = await request.body()  # Starlette keeps it: the endpoint reads the same bytes
        if any(marker in body for marker in _RAW_NUL):
            errors += _body_errors(content_type, body)
    if errors:
        raise RequestValidationError(errors)


def _body_errors(content_type: str, body: bytes) -> list[dict[str, Any]]:
    if content_type.startswith("application/x-www-form-urlencoded"):
        return [_error(("body", key), value) for key, value in _pairs(body) if _NUL in key + value]
    if "json" in content_type:
        try:
            parsed = json.loads(body)
        except ValueError:
            return []  # not JSON at all: the endpoint's own parsing says so
        return [_error(location, value) for location, value in _json_paths(parsed, ("body",))]
    return [_error(("body",), "")] if b"\x00" in body else []  # plain text: only a raw NUL counts
