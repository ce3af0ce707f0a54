"""Headless Chromium on the operators' console, with the whole platform and its demo data behind a
real uvicorn: sign in as the demo's operator, move the members dashboard's as-of day and see its
figures follow; then, with the gatherings dashboard open, publish a café and sign up for it through
forum's API and see the page take both in over Server-Sent Events, without reloading.

With CONSOLE_SCREENSHOTS=1 it also saves a screenshot of each dashboard (ja, demo data) into
docs/screenshots/console-*.png.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kit.web.auth import OPERATOR
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD
from tests.browser.conftest import require_chromium
from tests.browser.test_forum_signup import watch
from tests.browser.test_registry_pages import SHOTS, _sign_in
from tests.integration.notify.test_inbox_live import Served, serve
from tests.integration.registry.conftest import generous_limits
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

pytestmark = pytest.mark.browser
OPS = bearer(person("ops@example.jp", OPERATOR))
DEMO_WAIT_MS = 120_000  # the console applies the demo's thousands of events after the platform starts
LIVE_WAIT_MS = 20_000
CAFE = "かかわりカフェ 関係人口の数え方"
CONFIRMED = 3  # the upcoming table's <td> of confirmed seats: after title, kind, capacity (the start is a <th>)
DASHBOARDS = ("overview", "members", "gatherings", "programs", "notifications", "system")


@pytest.fixture
async def served(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                 ) -> AsyncIterator[Served]:
    require_chromium()
    async with serve(platform_factory, services=["registry", "forum", "matching", "notify", "console"],
                     seed=True) as running:
        running.platform["registry"].deps.limits = generous_limits()
        yield running


def headline(page: Any, key: str) -> Any:
    return page.locator(f'[data-figure="{key}"] [data-value]')


async def show_day(page: Any, day: str) -> None:
    """Choose the as-of day with the page's own form."""
    await page.locator("#as_of").fill(day)
    await page.get_by_role("button", name="表示", exact=True).click()
    await page.wait_for_url(f"**/console/members?as_of={day}")


async def new_cafe(platform: RunningPlatform) -> str:
    start = datetime.now(UTC) + timedelta(days=10)
    body = {"kind": "cafe", "title": CAFE, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 30, "hold_hours": None,
            "join_url": "https://meet.example.jp/cafe"}
    r = await platform.client.post("/forum/api/v1/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def sign_up(platform: RunningPlatform, event_id: str) -> None:
    body = {"name": "飛騨 太郎", "email": "taro.console@example.jp", "consent": True, "prefecture_code": "21"}
    r = await platform.client.post(f"/forum/api/v1/events/{event_id}/signups", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "confirmed", r.text


# The figures' database paths run on both databases in the slices' integration tests.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_dashboards_follow_the_day_and_the_events(served: Served, browser: Any, tmp_path: Path) -> None:
    from playwright.async_api import expect

    save = os.getenv("CONSOLE_SCREENSHOTS") == "1"
    folder = SHOTS if save else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    base = served.base_url
    context = await browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    problems = watch(page)
    await _sign_in(page, base, OPERATOR_EMAIL, OPERATOR_PASSWORD)

    # The demo's network on 2026-04-01, as the government's report counts it; a year before, less.
    await page.goto(f"{base}/console/members")
    await show_day(page, "2026-04-01")
    await expect(page.locator("#as-of-day")).to_have_text("2026-04-01")
    await expect(headline(page, "local-governments")).to_have_text("275", timeout=DEMO_WAIT_MS)
    await expect(headline(page, "organisations")).to_have_text("282", timeout=DEMO_WAIT_MS)
    assert await page.locator("#map circle.member").count() > 100
    assert await page.locator("#csv").get_attribute("href") == "/console/members.csv?as_of=2026-04-01"
    await show_day(page, "2025-04-01")
    await expect(page.locator("#as-of-day")).to_have_text("2025-04-01")
    earlier = int(await headline(page, "local-governments").inner_text())
    assert 0 < earlier < 275
    assert int(await headline(page, "organisations").inner_text()) < 282
    assert problems == []

    # Live: the page takes in a new café and its first signup without a reload.
    await page.goto(f"{base}/console/gatherings")
    await expect(page.locator("#live-state")).to_have_attribute("data-live", "on", timeout=LIVE_WAIT_MS)
    await page.evaluate("window.consoleTestMarker = 'still here'")  # gone if the page reloads
    event_id = await new_cafe(served.platform)
    row = page.locator("#upcoming tbody tr").filter(has=page.get_by_role("link", name=CAFE, exact=True))
    await expect(row).to_have_count(1, timeout=LIVE_WAIT_MS)
    await expect(row.locator("td").nth(CONFIRMED)).to_have_text("0")
    await sign_up(served.platform, event_id)
    await expect(row.locator("td").nth(CONFIRMED)).to_have_text("1", timeout=LIVE_WAIT_MS)
    assert await page.evaluate("window.consoleTestMarker") == "still here"
    assert int(await page.evaluate("document.documentElement.dataset.swaps")) >= 2
    assert problems == []

    for name in DASHBOARDS:
        response = await page.goto(f"{base}/console/{'' if name == 'overview' else name}")
        assert response.status == 200, name
        await page.screenshot(path=str(folder / f"console-{name}.png"), type="png")
    await context.close()
    assert problems == []
    for png in folder.glob("console-*.png"):
        assert png.stat().st_size < 300_000, png
