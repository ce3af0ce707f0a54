"""Every console route is for operators only. The routes are read from the running console app
(every one but the probes and the API documents every service serves), not listed by hand, so a
route added later is checked too: anybody signed out and a member's staff are refused on each,
an operator is let in.

What a person opens (a page, a CSV download) sends somebody signed out to sign in and back; what a
page fetches (its script, its live stream) and the JSON API answer 401; a member's staff get 403
everywhere. Requests go through a real uvicorn, so the live stream's answer can be read (and left)
like any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from uuid import uuid4

import httpx
import pytest
from fastapi.routing import APIRoute

from kit.web.auth import OPERATOR, Principal
from kit.web.http_stack import PROBES
from tests.integration.notify.test_inbox_live import serve
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person, session_cookie

Platform = Callable[..., AbstractAsyncContextManager[RunningPlatform]]
# A value for each path parameter a console route may have; a new parameter name fails the test
# until it is given one here.
PATH_EXAMPLES = {"name": "live.js", "entry_id": "1"}
OPENED = ("text/html", "text/csv")  # what a person opens in the browser, rather than a page fetching it
BEARER = ("/api/", "/ops/")  # routes for a bearer token (the API, the kit's dead letters): 401 when signed out


@dataclass(frozen=True)
class Caller:
    name: str
    who: Principal | None

    def credentials(self, platform: RunningPlatform) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """(headers, cookies, form): a bearer token for the API, a session for the pages, its CSRF token."""
        if self.who is None:
            return {}, {}, {}
        codec = platform["console"].deps.sessions
        cookie, csrf = session_cookie(codec, self.who)
        return bearer(self.who), {codec.cookie: cookie}, {"csrf_token": csrf}


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    location: str


def console_routes(platform: RunningPlatform) -> list[tuple[str, str]]:
    """(method, path with example parameters) of every route the console app serves itself."""
    app = platform["console"].app
    shared = {*PROBES, app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url,
              "/asyncapi.json"}
    found: list[tuple[str, str]] = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or route.path in shared:
            continue
        unknown = set(route.param_convertors) - set(PATH_EXAMPLES)
        assert not unknown, f"{route.path}: give PATH_EXAMPLES a value for {unknown}"
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PATH_EXAMPLES[m.group(1)], route.path)
        found += [(method, path) for method in sorted((route.methods or set()) - {"HEAD"})]
    return found


async def call(client: httpx.AsyncClient, method: str, url: str, caller: Caller,
               platform: RunningPlatform) -> Answer:
    """The answer's head only: a live stream is left as soon as it starts."""
    headers, cookies, form = caller.credentials(platform)
    client.cookies.clear()
    client.cookies.update(cookies)
    async with client.stream(method, url, headers=headers, data=form if method == "POST" else None) as r:
        return Answer(r.status_code, r.headers.get("content-type", "").split(";")[0], r.headers.get("location", ""))


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_every_console_route_is_for_operators_only(platform_factory: Platform) -> None:
    anonymous = Caller("signed out", None)
    staff = Caller("a member's staff", person(role="staff", member_id=uuid4()))
    operator = Caller("an operator", person("ops@example.jp", OPERATOR))
    async with serve(platform_factory, services=["console"]) as served:
        routes = console_routes(served.platform)
        assert any(p.startswith(BEARER) for _, p in routes) and any(not p.startswith(BEARER) for _, p in routes)
        wrong: list[str] = []
        async with httpx.AsyncClient(base_url=f"{served.base_url}/console", timeout=30) as client:
            for method, path in routes:
                label = f"{method} /console{path}"
                let_in = await call(client, method, path, operator, served.platform)
                if method == "GET" and not 200 <= let_in.status < 300:
                    wrong.append(f"{label}: an operator got {let_in.status}")
                if method != "GET" and (let_in.status in (401, 403) or let_in.status >= 500
                                        or "/registry/login" in let_in.location):
                    wrong.append(f"{label}: an operator's form got {let_in.status} {let_in.location}")
                signed_out = await call(client, method, path, anonymous, served.platform)
                opened = not path.startswith(BEARER) and (let_in.content_type in OPENED or method != "GET")
                if opened:
                    if signed_out.status != 303 or not signed_out.location.startswith("/registry/login?next=/console"):
                        wrong.append(f"{label}: signed out got {signed_out.status} {signed_out.location!r}, "
                                     "not sent to sign in")
                elif signed_out.status != 401:
                    wrong.append(f"{label}: signed out got {signed_out.status}, not 401")
                refused = await call(client, method, path, staff, served.platform)
                if refused.status != 403:
                    wrong.append(f"{label}: a member's staff got {refused.status}, not 403")
    assert not wrong, "\n".join(wrong)
    print(f"\n{len(routes)} console routes checked")
