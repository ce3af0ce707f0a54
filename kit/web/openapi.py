"""Complete API contracts: every operation's OpenAPI entry declares each error it can get.

FastAPI documents a route's success response and, where it has parameters, a 422 in its
own `HTTPValidationError` shape. But the kit's handlers (`kit.web.problems`) send every
error as `application/problem+json`, from a handful of places a route does not declare:
the request's validation, the body parser, the bearer-token principal, the domain's
`AppError`s. A client generated from the bare document cannot handle what it will get.

`install_contract_completion(app)` makes the app's document say it, once, for every
route, from what the route is made of:

- 422 where the request has anything to validate (parameters or a body), as a Problem
  with field-level `errors`; FastAPI's `HTTPValidationError` goes;
- 400 where there is a body (one that cannot be read, e.g. not UTF-8);
- 404 where the path names something (`{member_id}`: unknown, or not the caller's);
- 401 and 403, and the bearer security requirement, where the route takes the
  principal (`kit.web.deps.principal`), directly or through another dependency;
- 409 where the method changes state (POST, PUT, PATCH, DELETE): what it changes may
  have moved on (a transition not allowed now, a code already registered).

What only the route knows (429 where it rate-limits, 401 for a sign-in or link token
checked in the body, 413 for an upload's size) it declares through its existing
`responses=`, e.g. `responses=problems(401, 429)`; every error status a route declares,
with or without content, gets the Problem schema too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from kit.web.deps import principal

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
BEARER = "bearer"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# What each error status means here; also the response's description in the document.
DESCRIPTIONS: dict[int, str] = {
    400: "The body could not be read (for instance, it is not UTF-8 text).",
    401: "Sign-in required: no bearer token, or it is invalid or expired.",
    403: "Signed in, but not allowed to do this.",
    404: "Not found, or not visible to the caller.",
    409: "Conflicts with the current state (for instance, an action not allowed in this status, or a duplicate).",
    413: "The request is too large.",
    415: "The body's media type is not supported.",
    422: "Some fields are invalid; `errors` says which and why, in Japanese and English.",
    429: "Too many requests: retry after `Retry-After` seconds (also in `retry_after`).",
}

FIELD_PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "FieldProblem",
    "description": "One thing wrong with one input field, said in Japanese and English.",
    "type": "object",
    "required": ["field", "code", "message", "ja", "en"],
    "properties": {
        "field": {"type": "string", "description": "Dotted path of the field (`contact_email`, `activity_tags.0`); "
                                                   "`body` for the body as a whole."},
        "code": {"type": "string", "description": "Why, for programs: `missing`, `string_too_long`, `json_invalid`, "
                                                  "or a rule's own code."},
        "message": {"type": "string", "description": "The message in the caller's language (`ja` or `en`)."},
        "ja": {"type": "string"},
        "en": {"type": "string"},
    },
}

# The body `kit.web.problems.problem_response` builds; keep the two in step.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "Problem details (RFC 9457). `title` is in the caller's language; `detail` is the message in "
                   "both, an object (not RFC 9457's string). More members may follow (RFC 9457 extensions): a 409 "
                   "may name the conflicting resource (`existing_member_id`) or the actions allowed now "
                   "(`allowed_actions`).",
    "type": "object",
    "required": ["type", "status", "title", "detail"],
    "properties": {
        "type": {"type": "string", "description": "`about:blank`: the status says what kind of problem it is.",
                 "examples": ["about:blank"]},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status again."},
        "title": {"type": "string"},
        "detail": {
            "type": "object",
            "required": ["ja", "en"],
            "properties": {"ja": {"type": "string"}, "en": {"type": "string"}},
        },
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"},
                   "description": "Field by field (mostly 422s)."},
        "retry_after": {"type": "integer", "minimum": 1, "description": "Seconds to wait, for 429s."},
    },
    "additionalProperties": True,
}

RETRY_AFTER_HEADER: dict[str, Any] = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 1},
}

BEARER_SCHEME: dict[str, Any] = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "The `access_token` the registry's `POST /registry/api/v1/auth/token` returns; every service "
                   "accepts it.",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=` for the errors only it knows about, e.g. `problems(401, 429)`."""
    return {status: {"description": DESCRIPTIONS.get(status, "Error.")} for status in statuses}


def install_contract_completion(app: FastAPI) -> None:
    """Complete the app's OpenAPI document (built on first request, then cached as FastAPI does)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_contract(generate(), app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


def complete_contract(document: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    """The document with each operation's error responses declared as Problems."""
    document = copy.deepcopy(document)  # FastAPI caches what it generated; leave that alone
    paths: dict[str, dict[str, Any]] = document.get("paths", {})
    completed = False
    for route in api_routes(app):
        for method in sorted(route.methods):
            operation = paths.get(route.path, {}).get(method.lower())
            if operation is not None:
                _complete_operation(operation, route, method)
                completed = True
    if completed:
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Problem"] = PROBLEM_SCHEMA
        schemas["FieldProblem"] = FIELD_PROBLEM_SCHEMA
        if any("security" in op for ops in paths.values() for op in ops.values()):
            components.setdefault("securitySchemes", {})[BEARER] = BEARER_SCHEME
        _drop_unreferenced(schemas, paths, ("HTTPValidationError", "ValidationError"))
    return document


@dataclass(frozen=True)
class ApiRoute:
    """What the contract needs to know of a documented route, as its app really serves it."""

    path: str  # as in the document: the router prefixes applied, the mount's not
    methods: frozenset[str]
    dependant: Dependant  # the route's parameters and dependencies, the routers' included
    has_body: bool


def api_routes(app: FastAPI) -> list[ApiRoute]:
    """The documented API routes, resolved the way FastAPI resolves them for its document
    (routers are included lazily since 0.16x, so `app.routes` alone does not list them)."""
    found: list[ApiRoute] = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or not context.include_in_schema:
            continue
        found.append(ApiRoute(path=str(context.path_format), methods=frozenset(context.methods or ()),
                              dependant=context.dependant, has_body=context.body_field is not None))
    return found


def route_statuses(route: ApiRoute, method: str) -> set[int]:
    """The error statuses the kit's handlers can answer this route with, from what it is made of."""
    dependants = list(_walk(route.dependant))
    has_path = any(d.path_params for d in dependants)
    has_params = has_path or any(d.query_params or d.header_params or d.cookie_params for d in dependants)
    statuses: set[int] = set()
    if has_params or route.has_body:
        statuses.add(422)  # RequestValidationError, or a rule's ValidationFailed
    if route.has_body:
        statuses.add(400)  # FastAPI's "error parsing the body"
    if has_path:
        statuses.add(404)
    if _takes_principal(dependants):
        statuses |= {401, 403}
    if method.upper() in WRITE_METHODS:
        statuses.add(409)
    return statuses


def _complete_operation(operation: dict[str, Any], route: ApiRoute, method: str) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in route_statuses(route, method):
        responses.setdefault(str(status), {})
    if _takes_principal(list(_walk(route.dependant))):
        operation.setdefault("security", [{BEARER: []}])
    # Declared statuses in order, so the document reads (and diffs) the same every time.
    operation["responses"] = {
        key: _as_problem(int(key), response) if key.isdigit() and int(key) >= 400 else response
        for key, response in sorted(responses.items())
    }


def _as_problem(status: int, response: dict[str, Any]) -> dict[str, Any]:
    """An error response with the Problem content, unless the route described its own."""
    content = response.get("content") or {}
    description = response.get("description")
    if not any(not _is_placeholder(body) for body in content.values()):
        content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
        if description in (None, "", "Validation Error"):  # FastAPI's words for its own 422
            description = None
    rest = {key: value for key, value in response.items() if key not in ("description", "content")}
    completed = {"description": description or DESCRIPTIONS.get(status, "Error."), **rest, "content": content}
    if status == 429:
        completed.setdefault("headers", {}).setdefault("Retry-After", RETRY_AFTER_HEADER)
    return completed


def _is_placeholder(body: dict[str, Any]) -> bool:
    """FastAPI's own 422 body, or an empty schema: nothing the route meant."""
    schema = body.get("schema")
    return not schema or schema == {"$ref": "#/components/schemas/HTTPValidationError"}


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def _takes_principal(dependants: list[Dependant]) -> bool:
    return any(d.call is principal for d in dependants)


def _drop_unreferenced(schemas: dict[str, Any], paths: dict[str, Any], names: tuple[str, ...]) -> None:
    """Remove FastAPI's validation-error schemas once nothing refers to them."""
    for name in names:
        if name not in schemas:
            continue
        rest = {k: v for k, v in schemas.items() if k != name}
        if f'"#/components/schemas/{name}"' not in json.dumps({"paths": paths, "schemas": rest}):
            del schemas[name]
