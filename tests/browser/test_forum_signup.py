"""Headless Chromium on an event's page: sign up with the form and see the answer without a reload
(a field error first, then confirmed; a second person is waitlisted with their place), then find
the confirmation with its `.ics` in the development mailbox (notify's built-in SMTP sink).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kit.contracts.forum import SignupConfirmed
from kit.web.auth import OPERATOR
from tests.browser.conftest import require_chromium
from tests.integration.notify.test_inbox_live import Served, serve
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

pytestmark = pytest.mark.browser
OPS = bearer(person("ops@example.jp", OPERATOR))
ATTENDEE, SECOND = "taro.hida@example.jp", "hanako.takayama@example.jp"
MAIL_WAIT_S = 20


@pytest.fixture
async def served(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[Served]:
    require_chromium()
    async with serve(platform_factory, services=["forum", "notify"]) as running:
        yield running


async def new_cafe(platform: RunningPlatform) -> str:
    start = datetime.now(UTC) + timedelta(days=14)
    body = {"kind": "cafe", "title": "かかわりカフェ 関係人口のはじめかた", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 1, "hold_hours": None,
            "join_url": "https://meet.example.jp/cafe"}
    r = await platform.client.post("/forum/api/v1/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def fill(page: Any, name: str, email: str) -> None:
    await page.get_by_label("お名前", exact=True).fill(name)
    await page.get_by_label("お名前（ふりがな）").fill("ひだ たろう")
    await page.get_by_label("メールアドレス").fill(email)
    await page.get_by_label("ご所属（自治体・団体名）").fill("飛騨市")
    await page.get_by_label("都道府県").select_option("21")
    await page.get_by_label("上記の利用目的に同意します").check()


def watch(page: Any) -> list[str]:
    """Script errors, CSP refusals and failed requests (the site has no favicon)."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            and "/signups" not in response.url else None)  # the API's 422 is part of the test
    return problems


# The pages' database paths run on both databases in tests/integration/forum/test_public_pages.py.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sign_up_on_the_page_and_find_the_confirmation_in_the_mailbox(served: Served, browser: Any) -> None:
    from playwright.async_api import expect

    event = await new_cafe(served.platform)
    context = await browser.new_context(locale="ja-JP")
    page = await context.new_page()
    problems = watch(page)
    await page.goto(f"{served.base_url}/forum/events/{event}")
    await expect(page.locator("h1")).to_have_text("かかわりカフェ 関係人口のはじめかた")
    await page.evaluate("window.signupTestMarker = 'still here'")  # gone if the page reloads

    # An address the browser accepts but the API does not: the error shows beside the field.
    await fill(page, "飛騨 太郎", "taro@localhost")
    await page.get_by_role("button", name="申し込む").click()
    await expect(page.locator("#email-error")).to_be_visible()
    await expect(page.locator("#email-error")).not_to_be_empty()

    await page.get_by_label("メールアドレス").fill(ATTENDEE)
    await page.get_by_role("button", name="申し込む").click()
    result = page.locator("#signup-result")
    await expect(result.locator(".outcome")).to_have_attribute("data-status", "confirmed")
    await expect(result).to_contain_text("お申込みが確定しました")
    await expect(page.locator("#signup-form")).to_be_hidden()
    await expect(page.locator("#email-error")).to_be_hidden()
    manage = await result.locator("a[data-manage]").get_attribute("href")
    assert manage and "/forum/manage/" in manage
    assert await page.evaluate("window.signupTestMarker") == "still here"
    assert problems == []

    # The seat is gone: the next person joins the waitlist, told their place at once.
    other = await context.new_page()
    problems = watch(other)
    await other.goto(f"{served.base_url}/forum/events/{event}")
    await expect(other.locator("#availability")).to_have_attribute("data-state", "full")
    await fill(other, "高山 花子", SECOND)
    await other.get_by_role("button", name="キャンセル待ちに申し込む").click()
    await expect(other.locator("#signup-result .outcome")).to_have_attribute("data-status", "waitlisted")
    await expect(other.locator("#signup-result [data-position]")).to_have_text("1")
    assert problems == []

    # The manage link from the answer opens the attendee's page.
    await page.goto(manage)
    await expect(page.locator("#signup-status")).to_have_attribute("data-status", "confirmed")
    await context.close()

    await expect_confirmation_mail(served)


async def expect_confirmation_mail(served: Served) -> None:
    """The confirmation reaches the mailbox with its calendar invitation (notify's forum messages)."""
    from icalendar import Calendar

    from services.notify.handlers import router as notify_handlers

    if not any(s.contract is SignupConfirmed for s in notify_handlers.subscriptions):
        pytest.skip("notify does not send forum's confirmation yet (no SignupConfirmed handler)")
    sink = served.platform["notify"].deps.smtp_sink
    assert sink is not None
    deadline = asyncio.get_running_loop().time() + MAIL_WAIT_S
    mails: list[Any] = []
    while not mails and asyncio.get_running_loop().time() < deadline:
        mails = [m for m in sink.messages if ATTENDEE in m.to]
        await asyncio.sleep(0.1)
    assert mails, f"no mail to {ATTENDEE} within {MAIL_WAIT_S} s"
    parts = getattr(mails[0], "parts", None)
    if parts is None:
        pytest.skip("the development mailbox does not keep MIME parts yet; the .ics cannot be checked")
    invites = [p for p in parts if p.content_type == "text/calendar" or (p.filename or "").endswith(".ics")]
    assert invites, [p.content_type for p in parts]
    calendar = Calendar.from_ical(invites[0].data)
    assert str(calendar.get("METHOD")) == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent.get("SUMMARY")) == "かかわりカフェ 関係人口のはじめかた"
