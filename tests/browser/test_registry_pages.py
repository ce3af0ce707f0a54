"""Headless Chromium against a real uvicorn: apply with the municipality lookup, see the status.

With REGISTRY_SCREENSHOTS=1 it also saves a screenshot of each page (ja) into
docs/screenshots/registry-*.png.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from services.registry.seed import HIDA_ADMIN_EMAIL, HIDA_ADMIN_PASSWORD, OPERATOR_EMAIL, OPERATOR_PASSWORD
from tests.browser.conftest import Served

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


async def test_apply_with_lookup_then_see_status(served: Served, browser: Any) -> None:
    page = await browser.new_page(locale="ja-JP")
    await page.goto(f"{served.base_url}/registry/apply")
    await page.get_by_label("種別").select_option("municipality")
    await page.get_by_label("団体名または団体コード（6桁）").type("長野市", delay=40)
    option = page.locator('#lg-options option[value^="202011 "]')
    await option.wait_for(state="attached", timeout=5000)
    await page.get_by_label("団体名または団体コード（6桁）").fill(await option.get_attribute("value"))
    await page.get_by_label("担当者名").fill("長野 花子")
    await page.get_by_label("担当者メールアドレス（管理者としてログインします）").fill("hanako@city.nagano.example.jp")
    await page.get_by_label("承認後、公開の会員名簿に掲載する").check()
    await page.get_by_role("button", name="申請する").click()
    await page.wait_for_url("**/registry/status?applied=1")
    assert await page.locator("h1").inner_text() == "長野県長野市"
    assert await page.locator("[data-status]").get_attribute("data-status") == "submitted"
    assert "申請中" in await page.locator("[data-status]").inner_text()
    await page.close()


async def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    await page.goto(f"{base}/registry/login")
    await page.locator("#email").fill(email)
    await page.locator("#password").fill(password)
    await page.get_by_role("button", name="ログイン", exact=True).click()
    await page.wait_for_load_state()


# Rendering does not depend on the database; the application test above runs on both.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_pages_render_in_a_browser(served: Served, browser: Any, tmp_path: Path) -> None:
    save = os.getenv("REGISTRY_SCREENSHOTS") == "1"
    folder = SHOTS if save else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    base = served.base_url
    context = await browser.new_context(locale="ja-JP", viewport={"width": 1100, "height": 900})
    page = await context.new_page()

    async def shot(name: str, path: str) -> None:
        response = await page.goto(f"{base}{path}")
        assert response.status == 200, path
        await page.screenshot(path=str(folder / f"registry-{name}.png"), full_page=False, type="png")

    await shot("landing", "/registry/")
    await shot("directory", "/registry/directory?block=hokuriku_tokai")
    await shot("apply", "/registry/apply")
    await shot("login", "/registry/login")
    await _sign_in(page, base, HIDA_ADMIN_EMAIL, HIDA_ADMIN_PASSWORD)
    await shot("status", "/registry/status")
    await shot("staff", "/registry/staff")
    await page.get_by_role("button", name="ログアウト").click()
    await page.wait_for_load_state()
    await page.goto(f"{base}/registry/apply")
    await page.locator("#kind").select_option("company")
    await page.locator("#name").fill("株式会社ひだまり関係人口ラボ")
    await page.locator("#corporate_number").fill("7000012050002")
    await page.locator("#contact_name").fill("日向 陽子")
    await page.locator("#contact_email").fill("yoko@hidamari.example.jp")
    await page.get_by_role("button", name="申請する").click()
    await page.wait_for_url("**/registry/status?applied=1")
    await page.get_by_role("button", name="ログアウト").click()
    await page.wait_for_load_state()
    await _sign_in(page, base, OPERATOR_EMAIL, OPERATOR_PASSWORD)
    await shot("operator-queue", "/registry/operator/queue")
    await page.get_by_role("link", name="株式会社ひだまり関係人口ラボ").click()
    await page.wait_for_load_state()
    await page.screenshot(path=str(folder / "registry-operator-member.png"), type="png")
    await shot("operator-import", "/registry/operator/import")
    await context.close()
    for png in folder.glob("registry-*.png"):
        assert png.stat().st_size < 300_000, png
