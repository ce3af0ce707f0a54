"""Junk at every registry endpoint: wrong types, huge strings, bad ids, dates, enums, JSON and media types.

Whatever arrives, the answer is a 4xx (or a 2xx/3xx where the junk is harmless), never a 500.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.registry.conftest import API, Api, Ids, admin_of_new_member, csrf_of, municipality
from tests.support.platform import RunningPlatform

HUGE = "漢" * 20_000  # past every max_length, and past the form field cap
JUNK_JSON: list[Any] = [None, [], [1, 2], "text", 12, {"kind": 5}, {"kind": "spaceship"}, {"x": HUGE},
                        {"email": ["a"], "password": {"b": 1}}, {"note": HUGE}, {"token": HUGE},
                        {"kind": "company", "name": HUGE, "corporate_number": HUGE, "contact_name": 1,
                         "contact_email": "a@b.jp", "activity_tags": "notalist"},
                        {"as_of": "yesterday", "services": [1, 2], "opened_on": "2026-02-30",
                         "municipality_code": HUGE, "role": "god", "locale": "fr", "display_name": ""},
                        # explicit nulls for fields that exist but may not be cleared (found by schemathesis)
                        {"directory_opt_in": None}, {"locale": None, "contact_name": None, "activity_tags": None},
                        # days at the ends of the calendar, and numbers past any column
                        {"opened_on": "9999-12-31", "name": "x", "municipality_code": "212172"},
                        {"opened_on": "0001-01-01", "name": "x", "municipality_code": "212172"},
                        {"note": 10**400}, {"directory_opt_in": 10**30}]
BAD_IDS = ["not-a-uuid", "0", "' OR 1=1 --", "%00", HUGE[:300]]


def _routes(member_id: str, user_id: str) -> list[tuple[str, str]]:
    return [
        ("POST", f"{API}/auth/token"), ("POST", f"{API}/auth/login-link"), ("POST", f"{API}/auth/login-link/redeem"),
        ("POST", f"{API}/auth/password"), ("POST", f"{API}/invitations/accept"), ("GET", f"{API}/me"),
        ("GET", f"{API}/local-governments/{HUGE[:200]}"), ("GET", f"{API}/local-governments"),
        ("POST", f"{API}/applications"), ("GET", f"{API}/members"), ("GET", f"{API}/review-queue"),
        ("GET", f"{API}/members/{member_id}"), ("PATCH", f"{API}/members/{member_id}"),
        ("GET", f"{API}/members/{member_id}/history"), ("POST", f"{API}/members/{member_id}/approve"),
        ("POST", f"{API}/members/{member_id}/fly"), ("GET", f"{API}/members/{member_id}/staff"),
        ("POST", f"{API}/members/{member_id}/staff/invitations"),
        ("DELETE", f"{API}/members/{member_id}/staff/{user_id}"),
        ("POST", f"{API}/members/{member_id}/small-bases"), ("GET", f"{API}/members/{member_id}/small-bases"),
        ("GET", f"{API}/small-bases/stats"), ("GET", f"{API}/directory"), ("GET", f"{API}/stats"),
        ("GET", f"{API}/export.csv"), ("POST", f"{API}/import"), ("GET", f"{API}/audit"),
    ]


PAGES = ["/registry/apply", "/registry/login", "/registry/logout", "/registry/status/edit", "/registry/status/submit",
         "/registry/status/fly", "/registry/staff/invite", "/registry/staff/x/remove",
         "/registry/operator/members/x/approve", "/registry/operator/import", "/registry/password/x",
         "/registry/invite/x"]
QUERIES: list[dict[str, Any]] = [
    {}, {"q": HUGE[:5000]}, {"q": ""}, {"as_of": "2026-02-30"}, {"as_of": "-1"}, {"kind": "spaceship"},
    {"block": "mars"}, {"prefecture": "999"}, {"offset": "-5"}, {"limit": "1e9"}, {"page": "x"},
    {"dry_run": "maybe"}, {"tag": [HUGE[:100]] * 20}, {"status": "sleeping"}, {"lang": "xx"},
    # the ends of the calendar and of the integers: 9999-12-31 was a 500, and so was ?page=² on the directory
    {"as_of": "9999-12-31"}, {"as_of": "0001-01-01"}, {"as_of": "99999-01-01"}, {"page": "²"}, {"page": "٣"},
    {"page": "99999999999999999999"}, {"offset": "99999999999999999999"}, {"limit": str(2**64)},
    {"offset": "-99999999999999999999"},
]


async def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"


async def test_api_junk_never_500(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    member_id, admin = await admin_of_new_member(registry, api, municipality(ids, "junk@example.jp"))
    op = await api.operator()
    c = api.client
    # Every junk body as an operator (who gets furthest into every handler); a sample as a member admin.
    for headers, bodies in ((op, JUNK_JSON), (admin, JUNK_JSON[-3:])):
        for method, path in _routes(member_id, member_id):
            for body in bodies:
                await _check(await c.request(method, path, json=body, headers=headers), f"{method} {path[:80]}")
            for content, media in ((b"{not json", "application/json"), (HUGE.encode()[:10_000], "application/xml"),
                                   (b"\xff\xfe\x00garbage", "text/csv")):
                r = await c.request(method, path, content=content, headers={**headers, "content-type": media})
                await _check(r, f"{method} {path[:80]} {media}")
    # Bad and unknown ids; no, broken or foreign credentials.
    for target in [*BAD_IDS, str(uuid.uuid4())]:
        for method, path in _routes(target, target):
            await _check(await c.request(method, path, headers=op), f"{method} {path[:80]}")
    for headers in ({}, {"authorization": "Bearer junk"}, {"authorization": "Basic x"}):
        for method, path in _routes(member_id, member_id):
            await _check(await c.request(method, path, json={}, headers=headers), f"{method} {path[:80]}")
    for query in QUERIES:
        for method, path in _routes(member_id, member_id):
            if method == "GET":
                await _check(await c.get(path, params=query, headers=op), f"GET {path} {str(query)[:60]}")


async def test_pages_junk_never_500(registry: RunningPlatform) -> None:
    c = registry.client
    c.cookies.clear()
    page = await c.get("/registry/apply")
    token = csrf_of(page.text)
    forms: list[dict[str, Any]] = [
        {}, {"csrf_token": token}, {"csrf_token": token, "kind": "spaceship"},
        {"csrf_token": token, "kind": "municipality", "local_government": "市"},
        {"csrf_token": token, "kind": "company", "name": HUGE[:6000], "contact_email": "x",
         "website": "ftp://x", "activity_tags": "、" * 500, "directory_opt_in": "maybe", "method": "link",
         "email": HUGE[:400], "password": HUGE[:400], "note": HUGE[:6000], "role": "god"},
    ]
    for path in PAGES:
        for form in forms:
            await _check(await c.post(path, data=form), f"POST {path} {str(form)[:60]}")
        await _check(await c.post(path, content=b"\x00\xff", headers={"content-type": "multipart/form-data"}),
                     f"POST {path} broken multipart")
        await _check(await c.post(path, json={"a": 1}), f"POST {path} json")
    for query in QUERIES:
        for path in ("/registry/", "/registry/directory", "/registry/login/link/x", "/registry/operator/members/x"):
            await _check(await c.get(path, params=query), f"GET {path} {str(query)[:60]}")
    c.cookies.clear()


async def test_numbers_past_their_bounds_are_422_naming_the_parameter(api: Api) -> None:
    op = await api.operator()
    for path, param in (("/directory", "offset"), ("/directory", "limit"), ("/members", "offset"),
                        ("/members", "limit"), ("/audit", "offset"), ("/audit", "limit"),
                        ("/local-governments", "limit")):
        for value in ("99999999999999999999", "-1", str(2**63)):
            r = await api.client.get(f"{API}{path}", params={param: value, "q": "飛騨"}, headers=op)
            assert r.status_code == 422, f"{path}?{param}={value}: {r.text}"
            assert r.json()["errors"][0]["field"] == param and r.json()["errors"][0]["ja"]
