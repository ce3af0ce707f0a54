"""Headless Chromium through matching as a helper: fill the helper profile page, open "for you" and
read why a program is recommended (in Japanese), open it, apply, and see the place on its page.

The person is signed in with the platform's session cookie (what the registry's login sets); the
program is posted and published by a member's staff through the API, as the integration tests do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from tests.browser.conftest import require_chromium
from tests.integration.matching.conftest import API, days_ahead, post, staff_of
from tests.integration.notify.test_inbox_live import Served, serve
from tests.support.platform import RunningPlatform
from tests.support.sessions import person, session_cookie

pytestmark = pytest.mark.browser
HELPER = "helper.browser@example.jp"


@pytest.fixture
async def served(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[Served]:
    require_chromium()
    async with serve(platform_factory, services=["matching"]) as running:
        yield running


async def published_program(platform: RunningPlatform) -> str:
    """A day of apple harvest in 飛騨市 a month from now (one place), published by its member's staff."""
    _, staff = await staff_of(platform)
    program = await post(platform, staff, capacity=1)
    r = await platform.client.post(f"{API}/programs/{program['id']}/publish", headers=staff)
    assert r.status_code == 200, r.text
    return str(program["id"])


def watch(page: Any) -> list[str]:
    """Script errors, CSP refusals and failed requests (the site has no favicon)."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    return problems


# The pages' database paths run on both databases in tests/integration/matching/.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_fill_the_profile_see_why_a_program_is_recommended_and_apply(served: Served, browser: Any) -> None:
    from playwright.async_api import expect

    program_id = await published_program(served.platform)
    cookie, _ = session_cookie(served.platform["matching"].deps.sessions, person(HELPER))
    context = await browser.new_context(locale="ja-JP")
    await context.add_cookies([{"name": "kakawari_session", "value": cookie, "url": served.base_url}])
    page = await context.new_page()
    problems = watch(page)

    # The helper's own page: a new profile, by the form (no script).
    await page.goto(f"{served.base_url}/matching/helpers/me")
    await expect(page.locator("h1")).to_have_text("支援者プロフィール")
    await page.get_by_label("お名前").fill("飛騨 太郎")
    await page.get_by_label("収穫", exact=True).check()
    await page.get_by_label("運転", exact=True).check()
    await page.get_by_label("関心のあること（読点・空白で区切る）").fill("りんご、果樹園")
    await page.get_by_label("お住まいの都道府県").select_option("23")
    await page.get_by_label("開始日 1").fill(days_ahead(20).isoformat())
    await page.get_by_label("終了日 1").fill(days_ahead(40).isoformat())
    await page.get_by_label("移動できる距離（km、空欄は制限なし）").fill("300")
    await page.get_by_label("上記の利用目的に同意します").check()
    await page.get_by_role("button", name="登録する").click()
    await page.wait_for_url("**/matching/helpers/me?done=created")
    await expect(page.locator("#done")).to_contain_text("支援者プロフィールを登録しました")
    await expect(page.get_by_label("収穫", exact=True)).to_be_checked()
    await expect(page.locator("#scouting")).to_have_attribute("data-consent", "withdrawn")

    # "For you": the program, and why, in Japanese.
    await page.locator("#for-you").click()
    await page.wait_for_url("**/matching/for-you")
    card = page.locator(f'section[data-program="{program_id}"]')
    await expect(card.locator("h2")).to_have_text("りんごの収穫を手伝ってください")
    reasons = card.locator(".reasons li")
    await expect(reasons.filter(has_text="必要なスキルあり: 収穫")).to_have_count(1)
    await expect(reasons.filter(has_text="日程が")).to_have_count(1)

    # Its page, and the application: the one place is the person's.
    await card.locator("h2 a").click()
    await page.wait_for_url(f"**/matching/programs/{program_id}")
    await expect(page.locator("#seats")).to_have_attribute("data-state", "few_left")  # one place
    await page.get_by_role("button", name="応募する").click()
    await page.wait_for_url(f"**/matching/programs/{program_id}?done=applied")
    await expect(page.locator("#done")).to_have_text("応募を受け付けました。")
    mine = page.locator("#mine")
    await expect(mine).to_have_attribute("data-status", "accepted")
    await expect(mine).to_contain_text("参加決定")
    await expect(page.locator("#seats")).to_have_attribute("data-state", "full")
    assert problems == []
    await context.close()
