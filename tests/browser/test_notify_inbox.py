"""Headless Chromium on the inbox: mark one read and the unread count drops live, without a reload;
a new notification shows up in the count and as a notice; mark all read and the count is 0.

The person is signed in with the platform's session cookie (what the registry's login sets), so
the inbox holds only this test's notifications.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from tests.browser.conftest import require_chromium
from tests.integration.notify.test_inbox_live import Served, add_notifications, serve
from tests.support.platform import RunningPlatform
from tests.support.sessions import person, session_cookie

pytestmark = pytest.mark.browser
READER = "inbox.reader@example.jp"


@pytest.fixture
async def served(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[Served]:
    require_chromium()
    async with serve(platform_factory, services=["notify"]) as running:
        yield running


async def test_mark_read_and_the_count_drops_live(served: Served, browser: Any) -> None:
    from playwright.async_api import expect

    await add_notifications(served.platform, READER, 3)
    cookie, _ = session_cookie(served.platform["notify"].deps.sessions, person(READER))
    context = await browser.new_context(locale="ja-JP")
    await context.add_cookies([{"name": "kakawari_session", "value": cookie, "url": served.base_url}])
    page = await context.new_page()
    problems: list[str] = []  # script errors, CSP refusals, failed requests (the site has no favicon)
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)

    await page.goto(f"{served.base_url}/notify/inbox")
    count, badge = page.locator("#unread-count"), page.locator("#unread-badge")
    await expect(count).to_have_text("3")
    await expect(badge).to_have_text("3")
    await expect(page.locator("#inbox")).to_have_attribute("data-live", "on", timeout=5000)  # the stream is open
    await page.evaluate("window.inboxTestMarker = 'still here'")  # gone if the page reloads

    mark = page.get_by_role("button", name="既読にする")
    await expect(mark).to_have_count(3)
    await mark.first.click()
    await expect(count).to_have_text("2")
    await expect(badge).to_have_text("2")
    await expect(mark).to_have_count(2)
    await expect(page.locator(".notification.unread")).to_have_count(2)
    await expect(page).to_have_title("(2) お知らせ | kakawari")

    # A notification arriving while the page is open: the count rises and a notice offers a reload.
    news = page.locator("#inbox-news")
    await expect(news).to_be_hidden()
    await add_notifications(served.platform, READER, 1)
    await expect(count).to_have_text("3")
    await expect(badge).to_have_text("3")
    await expect(news).to_be_visible()
    await expect(news).to_contain_text("新しいお知らせがあります")

    await page.get_by_role("button", name="すべて既読").click()
    await expect(count).to_have_text("0")
    await expect(badge).to_have_text("0")
    await expect(mark).to_have_count(0)
    await expect(page.get_by_role("button", name="すべて既読")).to_be_hidden()
    await expect(page).to_have_title("お知らせ | kakawari")
    assert await page.evaluate("window.inboxTestMarker") == "still here"
    assert problems == []

    # What the page showed is what was saved: after a reload everything is read.
    await page.reload()
    await expect(count).to_have_text("0")
    await expect(page.locator(".notification")).to_have_count(4)
    await context.close()
