"""Demo data: fast, idempotent, silent (no outbox events), and the official figures on 2026-04-01."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import pytest

from services.registry.seed import HIDA_ADMIN_EMAIL, HIDA_ADMIN_PASSWORD, seed
from tests.integration.registry.conftest import API, Api, outbox
from tests.support.platform import RunningPlatform, running_platform


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def demo(request: pytest.FixtureRequest, nats_url: str,
               tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningPlatform]:
    backend = str(request.param)
    pg_admin = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None
    async with running_platform(backend=backend, nats_url=nats_url, tmp=tmp_path_factory.mktemp(f"demo-{backend}"),
                                pg_admin=pg_admin, services=["registry"]) as running:
        yield running


async def test_demo_figures_on_2026_04_01(demo: RunningPlatform) -> None:
    started = time.perf_counter()
    await seed(demo["registry"].deps)
    assert time.perf_counter() - started < 5
    await seed(demo["registry"].deps)  # idempotent: a second start adds nothing
    r = await demo.client.get(f"{API}/stats", params={"as_of": "2026-04-01"})
    assert r.status_code == 200
    figures = r.json()
    assert (figures["local_governments"], figures["organizations"]) == (275, 282)
    assert all(n > 0 for n in figures["by_block"].values())
    earlier = (await demo.client.get(f"{API}/stats", params={"as_of": "2024-03-31"})).json()
    assert earlier["total"] == 0
    assert await outbox(demo) == []  # historical data is not news


async def test_demo_accounts_and_directory(demo: RunningPlatform) -> None:
    api = Api(demo.client)
    hida = await api.token(HIDA_ADMIN_EMAIL, HIDA_ADMIN_PASSWORD)
    me = (await demo.client.get(f"{API}/me", headers=hida)).json()
    member = (await demo.client.get(f"{API}/members/{me['member_id']}", headers=hida)).json()
    assert member["name"] == "岐阜県飛騨市" and member["status"] == "active"
    bases = (await demo.client.get(f"{API}/members/{me['member_id']}/small-bases", headers=hida)).json()
    assert len(bases) >= 3
    page = (await demo.client.get(f"{API}/directory", params={"limit": 5})).json()
    assert page["total"] > 300 and len(page["items"]) == 5
    by_kana = (await demo.client.get(f"{API}/directory", params={"q": "ﾋﾀﾞｼ"})).json()
    by_name = (await demo.client.get(f"{API}/directory", params={"q": "飛騨市", "block": "hokuriku_tokai"})).json()
    assert [e["name"] for e in by_kana["items"]] == [e["name"] for e in by_name["items"]] == ["岐阜県飛騨市"]
    lgs = (await demo.client.get(f"{API}/directory", params={"kind": "prefecture"})).json()
    assert all(e["kind"] == "prefecture" for e in lgs["items"])
    landing = await demo.client.get("/registry/")
    assert landing.status_code == 200 and ">275<" in landing.text.replace(" ", "")


async def test_every_listed_demo_member_shows_its_prefecture(demo: RunningPlatform) -> None:
    await seed(demo["registry"].deps)
    first = (await demo.client.get(f"{API}/directory", params={"limit": 100})).json()
    entries = list(first["items"])
    for offset in range(100, first["total"], 100):
        entries += (await demo.client.get(f"{API}/directory", params={"limit": 100, "offset": offset})).json()["items"]
    assert len(entries) == first["total"] == len({e["id"] for e in entries})
    assert all(e["prefecture"] and e["prefecture_code"] and e["block"] for e in entries), [
        e["name"] for e in entries if not e["prefecture"]]
    akiruno = (await demo.client.get(f"{API}/directory", params={"q": "あきる野市", "limit": 100})).json()["items"]
    assert all(e["prefecture"] == "東京都" for e in akiruno)
    html = await demo.client.get("/registry/directory", params={"block": "kanto"})
    listing = html.text.split('<ul class="entries">', 1)[1].split("</ul>", 1)[0]
    shown = re.findall(r'<div class="muted">([^<・]*) ・', listing)
    assert len(shown) == listing.count('<span class="name">') == 20
    assert set(shown) <= {"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"}
