"""Webhooks through notify's API and pages: a member admin registers an endpoint (the secret
shown once), sends the test event to a real receiver, rotates, disables and deletes; staff may
only read; another member sees nothing (404); internal URLs are refused (422) outside
development; the pages sign in first and CSRF-check every form. Both databases, real NATS."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from uuid import uuid4

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from kit.web.auth import MEMBER_ADMIN, OPERATOR
from services.notify.webhooks.domain.event_types import TEST_EVENT
from tests.integration.notify.test_webhooks_sender import receiver
from tests.support.platform import RunningPlatform, platform_per_backend
from tests.support.servers import wait_for
from tests.support.sessions import bearer, csrf_of, person, sign_in

API = "/notify/api/v1"
HTML = {"accept": "text/html"}
APPROVED = "registry.member.approved.v1"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def notify(request: pytest.FixtureRequest, nats_url: str,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningPlatform]:
    async with platform_per_backend(request, nats_url, tmp_path_factory, services=["notify"]) as running:
        yield running


@pytest.fixture
async def client(notify: RunningPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=notify.app), base_url="http://testserver") as c:
        yield c


@contextmanager
def production_addresses(platform: RunningPlatform) -> Iterator[None]:
    """notify as deployed: private and loopback endpoints refused."""
    app = platform["notify"].app
    deps = app.state.deps
    app.state.deps = replace(deps, config=replace(deps.config, allow_private_webhooks=False))
    try:
        yield
    finally:
        app.state.deps = deps


async def test_an_admin_manages_endpoints_and_the_test_event_arrives_signed(
    notify: RunningPlatform, client: httpx.AsyncClient
) -> None:
    member = uuid4()
    admin = bearer(person(role=MEMBER_ADMIN, member_id=member))
    base = f"{API}/members/{member}/webhooks"
    types = (await client.get(f"{API}/webhook-event-types", headers=admin)).json()
    assert APPROVED in [t["name"] for t in types] and TEST_EVENT in [t["name"] for t in types]

    async with receiver() as member_system:
        created = await client.post(base, headers=admin, json={
            "url": member_system.url, "description": "基幹システム", "event_types": [APPROVED, APPROVED]})
        assert created.status_code == 201, created.text
        endpoint = created.json()
        secret, endpoint_id = endpoint["secret"], endpoint["id"]
        assert secret.startswith("whsec_") and endpoint["event_types"] == [APPROVED] and endpoint["enabled"]

        listed = (await client.get(base, headers=admin)).json()["items"]
        assert [e["id"] for e in listed] == [endpoint_id] and "secret" not in listed[0]

        test = await client.post(f"{base}/{endpoint_id}/test", headers=admin)
        assert test.status_code == 202 and test.json()["event_type"] == TEST_EVENT
        sent = await wait_for(lambda: _delivered(client, f"{base}/{endpoint_id}", admin), timeout_s=15)
    [request] = member_system.requests
    assert Webhook(secret).verify(request.body, request.headers)["type"] == TEST_EVENT
    assert request.headers["webhook-id"] == test.json()["id"] == sent["id"] and sent["attempts"] == 1

    rotated = await client.post(f"{base}/{endpoint_id}/rotate-secret", headers=admin)
    assert rotated.status_code == 200 and rotated.json()["secret"] not in (secret, None)
    detail = (await client.get(f"{base}/{endpoint_id}", headers=admin)).json()
    assert detail["rotating_until"] is not None and "secret" not in detail

    changed = await client.patch(f"{base}/{endpoint_id}", headers=admin,
                                 json={"enabled": False, "event_types": [APPROVED, "registry.member.updated.v1"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["enabled"] is False and len(changed.json()["event_types"]) == 2
    assert (await client.post(f"{base}/{endpoint_id}/test", headers=admin)).status_code == 409

    wrong = await client.post(base, headers=admin, json={"url": "https://example.jp/h", "event_types": ["nope.v1"]})
    assert wrong.status_code == 422
    assert [(e["field"], e["code"]) for e in wrong.json()["errors"]] == [("event_types.0", "unknown_event_type")]

    assert (await client.delete(f"{base}/{endpoint_id}", headers=admin)).status_code == 204
    assert (await client.get(f"{base}/{endpoint_id}", headers=admin)).status_code == 404


async def _delivered(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> dict[str, Any] | None:
    deliveries = (await client.get(url, headers=headers)).json()["recent_deliveries"]
    return deliveries[0] if deliveries and deliveries[0]["state"] == "sent" else None


async def test_staff_read_and_other_members_see_nothing(notify: RunningPlatform, client: httpx.AsyncClient) -> None:
    member, other = uuid4(), uuid4()
    base = f"{API}/members/{member}/webhooks"
    created = await client.post(base, headers=bearer(person(role=MEMBER_ADMIN, member_id=member)),
                                json={"url": "https://example.jp/hook", "event_types": [APPROVED]})
    assert created.status_code == 201, created.text
    one = f"{base}/{created.json()['id']}"

    staff = bearer(person(member_id=member))
    assert (await client.get(base, headers=staff)).status_code == 200
    assert (await client.get(one, headers=staff)).status_code == 200
    body = {"url": "https://example.jp/x", "event_types": [APPROVED]}
    for answer in (await client.post(base, headers=staff, json=body),
                   await client.patch(one, headers=staff, json={"enabled": False}),
                   await client.post(f"{one}/rotate-secret", headers=staff),
                   await client.post(f"{one}/test", headers=staff),
                   await client.delete(one, headers=staff)):
        assert answer.status_code == 403, answer.text

    stranger = bearer(person(role=MEMBER_ADMIN, member_id=other))
    assert (await client.get(base, headers=stranger)).status_code == 404
    theirs = f"{API}/members/{other}/webhooks/{created.json()['id']}"  # my endpoint under their member
    for answer in (await client.get(theirs, headers=stranger),
                   await client.patch(theirs, headers=stranger, json={"enabled": False}),
                   await client.post(f"{theirs}/rotate-secret", headers=stranger),
                   await client.delete(theirs, headers=stranger)):
        assert answer.status_code == 404, answer.text
    assert (await client.get(base)).status_code == 401
    operator = bearer(person(role=OPERATOR))
    assert len((await client.get(base, headers=operator)).json()["items"]) == 1


@pytest.mark.parametrize(("url", "code"), [
    ("https://127.0.0.1/hook", "url_private"),
    ("https://localhost:8443/hook", "url_private"),
    ("https://10.1.2.3/hook", "url_private"),
    ("https://169.254.169.254/latest/meta-data", "url_private"),
    ("https://[::1]/hook", "url_private"),
    ("http://203.0.113.10/hook", "url_scheme"),
])
async def test_internal_urls_are_refused_outside_development(
    notify: RunningPlatform, client: httpx.AsyncClient, url: str, code: str
) -> None:
    member = uuid4()
    with production_addresses(notify):
        answer = await client.post(f"{API}/members/{member}/webhooks",
                                   headers=bearer(person(role=MEMBER_ADMIN, member_id=member)),
                                   json={"url": url, "event_types": [APPROVED]})
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["errors"]
    assert (problem["field"], problem["code"]) == ("url", code) and problem["ja"] and problem["en"]


# -- pages ---------------------------------------------------------------------------------------

async def test_the_pages_register_test_rotate_disable_and_delete(
    notify: RunningPlatform, client: httpx.AsyncClient
) -> None:
    member = uuid4()
    page = f"/notify/members/{member}/webhooks"
    first = await client.get(page, headers=HTML)
    assert first.status_code == 303 and first.headers["location"] == f"/registry/login?next={page}"

    sign_in(client, notify["notify"].deps.sessions, person(role=MEMBER_ADMIN, member_id=member))
    empty = await client.get(page, headers={**HTML, "accept-language": "ja"})
    assert empty.status_code == 200 and "Webhookの送信先はまだ登録されていません。" in empty.text
    token = csrf_of(empty.text)
    assert f'value="{APPROVED}"' in empty.text and f'value="{TEST_EVENT}"' in empty.text

    refused = await client.post(page, headers=HTML, data={"url": "https://example.jp/h", "event_types": APPROVED})
    assert refused.status_code == 403  # no CSRF token
    wrong = await client.post(page, headers=HTML, data={"csrf_token": token, "url": "ftp://example.jp/h"})
    assert wrong.status_code == 422 and "イベントを1つ以上選んでください。" in wrong.text
    assert 'aria-invalid="true"' in wrong.text

    async with receiver() as member_system:
        made = await client.post(page, headers=HTML, data={
            "csrf_token": token, "url": member_system.url, "description": "基幹", "event_types": [APPROVED]})
        assert made.status_code == 201, made.text
        secret = re.search(r"data-secret>(whsec_[^<]+)<", made.text)
        assert secret is not None
        endpoint_id = re.search(r'data-endpoint="([^"]+)"', made.text)
        assert endpoint_id is not None
        one = f"{page}/{endpoint_id.group(1)}"

        tested = await client.post(f"{one}/test", headers=HTML, data={"csrf_token": token})
        assert tested.status_code == 303 and tested.headers["location"] == f"{page}?done=test"
        await wait_for(lambda: member_system.requests, timeout_s=15)
    Webhook(secret.group(1)).verify(member_system.requests[0].body, member_system.requests[0].headers)
    shown = await wait_for(lambda: _shows_sent(client, page), timeout_s=10)
    assert "JST" in shown and TEST_EVENT in shown

    rotated = await client.post(f"{one}/rotate", headers=HTML, data={"csrf_token": token})
    assert rotated.status_code == 200 and "data-secret>whsec_" in rotated.text and secret.group(1) not in rotated.text
    off = await client.post(f"{one}/disable", headers=HTML, data={"csrf_token": token})
    assert off.status_code == 303
    assert "有効にする" in (await client.get(page, headers=HTML)).text

    sign_in(client, notify["notify"].deps.sessions, person(member_id=member))
    staff_view = await client.get(page, headers=HTML)
    assert staff_view.status_code == 200 and member_system.url in staff_view.text
    assert "送信先を登録する" not in staff_view.text and "/delete" not in staff_view.text
    staff_token = csrf_of(await _any_form_page(client))
    assert (await client.post(f"{one}/delete", headers=HTML, data={"csrf_token": staff_token})).status_code == 403

    sign_in(client, notify["notify"].deps.sessions, person(role=MEMBER_ADMIN, member_id=member))
    admin_token = csrf_of((await client.get(page, headers=HTML)).text)
    gone = await client.post(f"{one}/delete", headers=HTML, data={"csrf_token": admin_token})
    assert gone.status_code == 303 and gone.headers["location"] == f"{page}?done=deleted"
    assert member_system.url not in (await client.get(page, headers=HTML)).text
    english = (await client.get(page, params={"lang": "en"}, headers=HTML)).text
    assert "Register an endpoint" in english and "No webhook endpoints yet." in english

    sign_in(client, notify["notify"].deps.sessions, person(role=MEMBER_ADMIN, member_id=uuid4()))
    assert (await client.get(page, headers=HTML)).status_code == 404  # another member's page


async def _shows_sent(client: httpx.AsyncClient, page: str) -> str | None:
    html = (await client.get(page, headers=HTML)).text
    return html if 'class="state-sent"' in html else None


async def _any_form_page(client: httpx.AsyncClient) -> str:
    """A page of notify with a form, for a signed-in person without webhook forms (the settings page)."""
    return (await client.get("/notify/settings", headers=HTML)).text
