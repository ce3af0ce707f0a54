"""Forms need the session's CSRF token; sign-in and applications are rate limited (429 + Retry-After)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from kit.web.ratelimit import Limit, SlidingWindow
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD
from tests.integration.registry.conftest import API, Ids, csrf_of, generous_limits
from tests.support.platform import RunningPlatform


async def test_post_without_or_with_wrong_token_is_403(registry: RunningPlatform, ids: Ids) -> None:
    c = registry.client
    c.cookies.clear()
    form = {"kind": "municipality", "local_government": ids.code(), "contact_name": "CSRF 太郎",
            "contact_email": "csrf@example.jp"}
    assert (await c.post("/registry/apply", data=form)).status_code == 403  # no session at all
    page = await c.get("/registry/apply")
    token = csrf_of(page.text)
    assert "HttpOnly" in page.headers["set-cookie"] and "SameSite=lax" in page.headers["set-cookie"]
    assert (await c.post("/registry/apply", data={**form, "csrf_token": "forged"})).status_code == 403
    assert (await c.post("/registry/apply", data=form)).status_code == 403  # session but no token
    ok = await c.post("/registry/apply", data={**form, "csrf_token": token})
    assert ok.status_code == 303 and ok.headers["location"].startswith("/registry/status")
    status = await c.get("/registry/status")
    assert status.status_code == 200 and 'data-status="submitted"' in status.text
    # Signing in rotated the token: the old one no longer works.
    assert (await c.post("/registry/logout", data={"csrf_token": token})).status_code == 403
    c.cookies.clear()


async def test_login_form_and_operator_actions(registry: RunningPlatform, ids: Ids) -> None:
    c = registry.client
    c.cookies.clear()
    token = csrf_of((await c.get("/registry/login")).text)
    bad = await c.post("/registry/login", data={"csrf_token": token, "method": "password", "email": OPERATOR_EMAIL,
                                                "password": "nope"})
    assert bad.status_code == 401 and "パスワードが違います" in bad.text
    ok = await c.post("/registry/login", data={"csrf_token": token, "method": "password", "email": OPERATOR_EMAIL,
                                               "password": OPERATOR_PASSWORD})
    assert ok.status_code == 303 and ok.headers["location"] == "/registry/operator/queue"
    queue = await c.get("/registry/operator/queue")
    assert queue.status_code == 200
    member_id = re.findall(r'/registry/operator/members/([0-9a-f-]{36})', queue.text)[0]
    detail = await c.get(f"/registry/operator/members/{member_id}")
    op_token = csrf_of(detail.text)
    no_reason = await c.post(f"/registry/operator/members/{member_id}/reject", data={"csrf_token": op_token})
    assert no_reason.status_code == 422
    no_token = await c.post(f"/registry/operator/members/{member_id}/approve", data={})
    assert no_token.status_code == 403
    approved = await c.post(f"/registry/operator/members/{member_id}/approve", data={"csrf_token": op_token})
    assert approved.status_code == 303
    assert "承認済み" in (await c.get(f"/registry/operator/members/{member_id}")).text
    export = await c.get("/registry/operator/export.csv")
    assert export.content.startswith(b"\xef\xbb\xbf")
    c.cookies.clear()


@pytest.fixture
def tight_limits(registry: RunningPlatform) -> Iterator[None]:
    deps = registry["registry"].deps
    deps.limits.login_email = SlidingWindow(Limit(3, 60))
    deps.limits.apply_ip = SlidingWindow(Limit(2, 60))
    yield
    deps.limits = generous_limits()


async def test_login_and_applications_are_rate_limited(registry: RunningPlatform, tight_limits: None) -> None:
    c = registry.client
    codes = [(await c.post(f"{API}/auth/token", json={"email": "brute@example.jp", "password": "guess"})).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    limited = await c.post(f"{API}/auth/token", json={"email": "brute@example.jp", "password": "guess"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["detail"]["ja"] and limited.json()["detail"]["en"]
    # Another account from the same client is not locked out by the per-email limit.
    assert (await c.post(f"{API}/auth/token", json={"email": "other@example.jp", "password": "x"})).status_code == 401
    bad = {"kind": "municipality", "local_government_code": "1", "contact_name": "x", "contact_email": "a@b.jp"}
    applies = [(await c.post(f"{API}/applications", json=bad)).status_code for _ in range(3)]
    assert applies == [422, 422, 429]


BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def test_browsers_get_error_pages_and_api_clients_get_problems(registry: RunningPlatform, ids: Ids) -> None:
    c = registry.client
    c.cookies.clear()
    form = {"kind": "municipality", "local_government": ids.code(), "contact_name": "期限 切子",
            "contact_email": "expired@example.jp", "csrf_token": "stale"}
    expired = await c.post("/registry/apply", data=form, headers=BROWSER)
    assert expired.status_code == 403 and expired.headers["content-type"].startswith("text/html")
    assert "フォームの有効期限が切れたか" in expired.text and 'lang="ja"' in expired.text
    english = await c.post("/registry/apply?lang=en", data=form, headers=BROWSER)
    assert english.status_code == 403 and "The form expired" in english.text
    missing = await c.get("/registry/no-such-page", headers=BROWSER)
    assert missing.status_code == 404 and "ページが見つかりません" in missing.text
    assert 'href="/registry/"' in missing.text  # a way back into the site
    api = await c.get("/registry/api/v1/members/not-a-uuid", headers=BROWSER)
    assert 400 <= api.status_code < 500 and api.headers["content-type"].startswith("application/problem+json")
    c.cookies.clear()
