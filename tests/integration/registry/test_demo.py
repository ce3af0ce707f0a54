"""Demo data: fast, idempotent, told to the read models as facts but never as news, and the official
figures on 2026-04-01."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from kit.demo import demo_member_id
from services.registry.demo import FIRST_DAY, HIDA, LOCAL_GOVERNMENTS, ORGANISATIONS
from services.registry.seed import HIDA_ADMIN_EMAIL, HIDA_ADMIN_PASSWORD, seed
from tests.integration.registry.conftest import API, Api, outbox
from tests.support.platform import RunningPlatform, running_platform

IMPORTED, REGISTERED = "registry.member.imported.v1", "registry.small_base.registered.v1"
APRIL = datetime.fromisoformat("2026-04-01T00:00:00+09:00")


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
    told = await outbox(demo)
    await seed(demo["registry"].deps)  # idempotent: a second start adds nothing
    assert await outbox(demo) == told
    r = await demo.client.get(f"{API}/stats", params={"as_of": "2026-04-01"})
    assert r.status_code == 200
    figures = r.json()
    assert (figures["local_governments"], figures["organizations"]) == (275, 282)
    assert all(n > 0 for n in figures["by_block"].values())
    earlier = (await demo.client.get(f"{API}/stats", params={"as_of": "2024-03-31"})).json()
    assert earlier["total"] == 0
    # Historical data is not news: facts for the read models only, which nobody but the console takes.
    assert Counter(e["type"] for e in told) == {IMPORTED: LOCAL_GOVERNMENTS + ORGANISATIONS, REGISTERED: 3}


async def test_every_demo_member_is_imported_with_its_dated_history(demo: RunningPlatform) -> None:
    await seed(demo["registry"].deps)
    imported = [e for e in await outbox(demo) if e["type"] == IMPORTED]
    lgs = [e for e in imported if e["kind"] in ("prefecture", "municipality")]
    assert (len(imported), len(lgs), len({e["member_id"] for e in imported})) == (557, 275, 557)
    for event in imported:
        steps = [(step["status"], datetime.fromisoformat(step["at"])) for step in event["history"]]
        assert [status for status, _ in steps] == ["submitted", "approved", "active"], event["name"]
        assert [at for _, at in steps] == sorted(at for _, at in steps)
        assert steps[1][1] < APRIL and event["status"] == "active" and event["at"] == event["history"][-1]["at"]
        assert event["prefecture_code"] and len(event["prefecture_code"]) == 2
        if event in lgs:
            assert event["municipality_code"][:2] == event["prefecture_code"]
        else:
            assert event["municipality_code"] is None
    [hida] = [e for e in imported if e["member_id"] == str(demo_member_id(HIDA))]
    assert (hida["name"], hida["municipality_code"], hida["prefecture_code"]) == ("岐阜県飛騨市", HIDA, "21")


async def test_every_demo_small_base_is_registered(demo: RunningPlatform) -> None:
    await seed(demo["registry"].deps)
    registered = [e for e in await outbox(demo) if e["type"] == REGISTERED]
    assert len(registered) == len({e["small_base_id"] for e in registered}) == 3
    assert {(e["member_id"], e["municipality_code"], e["prefecture_code"]) for e in registered} == {
        (str(demo_member_id(HIDA)), HIDA, "21")}
    assert all(datetime.fromisoformat(e["at"]) == FIRST_DAY and e["opened_on"] for e in registered)


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
