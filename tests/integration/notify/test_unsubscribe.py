"""RFC 8058 one-click unsubscribe: the POST a mail client sends (`List-Unsubscribe=One-Click`,
no session, no cookies, no CSRF token) turns that category of email off; a GET (what mail
scanners prefetch) only shows a confirmation page; the page's buttons unsubscribe and
resubscribe; a link this platform did not sign is refused. Both databases, real NATS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit
from uuid import uuid4

import httpx
import pytest

from services.notify.models import Preference
from services.notify.preferences.tokens import UnsubscribeLinks
from tests.support.platform import RunningPlatform, platform_per_backend
from tests.support.sessions import bearer

PAGE = "/notify/unsubscribe"
ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}
HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def notify(request: pytest.FixtureRequest, nats_url: str,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningPlatform]:
    async with platform_per_backend(request, nats_url, tmp_path_factory, services=["notify"]) as running:
        yield running


@pytest.fixture
async def client(notify: RunningPlatform) -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own: no session, no cookies from any other test."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=notify.app), base_url="http://testserver") as c:
        yield c


def address(name: str) -> str:
    return f"{name}-{uuid4().hex[:8]}@example.jp"


def link(platform: RunningPlatform, recipient: str, category: str) -> str:
    """The path and query of the link the platform would put in `List-Unsubscribe`."""
    url = urlsplit(platform["notify"].deps.links.url(recipient, category))
    return f"{url.path}?{url.query}"


async def switch(platform: RunningPlatform, recipient: str, category: str) -> bool | None:
    """The stored email switch, or None when there is no row (which means on)."""
    async with platform["notify"].uow.read() as session:
        row = await session.get(Preference, (recipient, category, "email"))
    return None if row is None else row.enabled


async def test_one_click_post_turns_the_category_off_without_signing_in(notify: RunningPlatform,
                                                                        client: httpx.AsyncClient) -> None:
    email = address("listener")
    target = link(notify, email, "events")
    assert target.startswith(f"{PAGE}?token=")

    done = await client.post(target, content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert done.status_code == 200, done.text
    assert done.headers["content-type"].startswith("text/plain") and "unsubscribed" in done.text
    assert not client.cookies  # nothing was needed, nothing was handed out
    assert await switch(notify, email, "events") is False
    assert await switch(notify, email, "membership") is None  # only that category

    again = await client.post(target, content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert again.status_code == 200 and await switch(notify, email, "events") is False  # idempotent

    mine = await client.get("/notify/api/v1/preferences", headers=bearer(email))
    assert mine.json()["preferences"]["events"] == {"email": False, "inbox": True}

    # multipart/form-data, as RFC 8058 also allows
    other = address("multipart")
    sent = await client.post(link(notify, other, "programs"), files={"List-Unsubscribe": (None, "One-Click")})
    assert sent.status_code == 200 and await switch(notify, other, "programs") is False


async def test_a_get_never_unsubscribes(notify: RunningPlatform, client: httpx.AsyncClient) -> None:
    email = address("scanned")
    target = link(notify, email, "membership")
    for _ in range(2):
        page = await client.get(target, headers={**HTML, "accept-language": "ja"})
        assert page.status_code == 200
        assert 'method="post"' in page.text and 'name="action" value="unsubscribe"' in page.text
        assert "メール配信の停止" in page.text and email in page.text
    assert await switch(notify, email, "membership") is None
    assert "&amp;lang=en" in page.text  # the page's own language link keeps the token
    switched = await client.get(f"{target}&lang=en", headers=HTML)
    assert switched.status_code == 200 and "Stop emails about" in switched.text
    english = await client.get(target, headers={**HTML, "accept-language": "en"})
    assert "Unsubscribe" in english.text and "Membership" in english.text


async def test_the_page_unsubscribes_and_resubscribes(notify: RunningPlatform, client: httpx.AsyncClient) -> None:
    email = address("reader")
    target = link(notify, email, "digests")
    off = await client.post(target, data={"action": "unsubscribe"}, headers={**HTML, "accept-language": "ja"})
    assert off.status_code == 200 and "配信を停止しました" in off.text
    assert 'name="action" value="resubscribe"' in off.text
    assert await switch(notify, email, "digests") is False
    page = await client.get(target, headers={**HTML, "accept-language": "en"})
    assert "already turned off" in page.text and 'value="resubscribe"' in page.text

    on = await client.post(target, data={"action": "resubscribe"}, headers={**HTML, "accept-language": "en"})
    assert on.status_code == 200 and "subscribed again" in on.text
    assert await switch(notify, email, "digests") is True


async def test_links_the_platform_did_not_sign_are_refused(notify: RunningPlatform,
                                                           client: httpx.AsyncClient) -> None:
    email, victim = address("attacker"), address("victim")
    links = notify["notify"].deps.links
    mine, theirs = links.token(email, "events"), links.token(victim, "events")
    swapped = f"{theirs.split('.')[0]}.{mine.split('.')[1]}"  # their address under my signature
    flipped = mine[:-2] + ("xx" if not mine.endswith("xx") else "yy")
    forged = UnsubscribeLinks(secret="another-secret-entirely-0123456789abcdef", base_url="http://x")
    always = links.token(victim, "account")  # signed, but sign-in and security mail cannot be turned off
    tokens = (swapped, flipped, forged.token(victim, "events"), always, "", "not-a-token")
    for target in [*(f"{PAGE}?token={token}" for token in tokens), PAGE]:
        posted = await client.post(target, content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
        assert posted.status_code == 400, target
        problem = posted.json()
        assert posted.headers["content-type"].startswith("application/problem+json")
        assert problem["detail"]["ja"] and problem["detail"]["en"]
        shown = await client.get(target, headers=HTML)
        assert shown.status_code == 400 and "text/html" in shown.headers["content-type"]
    assert await switch(notify, victim, "events") is None
    assert await switch(notify, victim, "account") is None
