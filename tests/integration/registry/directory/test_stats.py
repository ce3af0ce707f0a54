"""As-of figures replayed from the membership history, and the days that may be asked about."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import update

from kit.db.types import utcnow
from services.registry.models import MemberHistory
from tests.integration.registry.conftest import API, Api, Ids, municipality
from tests.support.platform import RunningPlatform


async def test_stats_as_of_replays_history(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    op = await api.operator()
    c = api.client
    today = (utcnow() + timedelta(hours=9)).date()  # JST
    long_ago = today - timedelta(days=400)

    async def figures(day: object) -> dict[str, Any]:
        r = await c.get(f"{API}/stats", params={"as_of": str(day)})
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    base_old, base_today = await figures(long_ago), await figures(today)
    approved_now = (await api.apply(**municipality(ids, "st1@example.jp"))).json()["id"]
    await c.post(f"{API}/members/{approved_now}/approve", headers=op)
    member_old = (await api.apply(**municipality(ids, "st2@example.jp"))).json()["id"]
    await c.post(f"{API}/members/{member_old}/approve", headers=op)
    withdrawn = (await api.apply(**municipality(ids, "st3@example.jp"))).json()["id"]
    await c.post(f"{API}/members/{withdrawn}/approve", headers=op)
    await c.post(f"{API}/members/{withdrawn}/withdraw", headers=op)
    # Backdate: member_old joined two years ago; `withdrawn` joined two years ago and left a year ago.
    rt = registry["registry"]
    async with rt.uow() as tx:
        for member_id, days in ((member_old, 730), (withdrawn, 730)):
            await tx.session.execute(update(MemberHistory).where(MemberHistory.member_id == UUID(member_id))
                                     .values(at=utcnow() - timedelta(days=days)))
        await tx.session.execute(update(MemberHistory).where(MemberHistory.member_id == UUID(withdrawn),
                                                             MemberHistory.action == "withdraw")
                                 .values(at=utcnow() - timedelta(days=365)))
        await tx.commit()
    old, now = await figures(long_ago), await figures(today)
    # 400 days ago: member_old and withdrawn counted, approved_now (approved after) not.
    assert old["local_governments"] == base_old["local_governments"] + 2
    # today: approved_now and member_old counted, withdrawn (left before) not.
    assert now["local_governments"] == base_today["local_governments"] + 2
    assert now["total"] == now["local_governments"] + now["organizations"]
    assert sum(now["by_kind"].values()) == now["total"]
    assert (await c.get(f"{API}/stats", params={"as_of": "2026-13-01"})).status_code == 422


async def test_as_of_outside_the_supported_range_is_a_422_naming_the_field(api: Api) -> None:
    """9999-12-31 was a 500 (its next day overflows); every day outside 2016-01-01..today (JST) is a 422."""
    today = (utcnow() + timedelta(hours=9)).date()  # JST
    for day in ("9999-12-31", "0001-01-01", "2015-12-31", str(today + timedelta(days=1))):
        for lang, words in (("ja", "日本時間"), ("en", "Japan time")):
            r = await api.client.get(f"{API}/stats", params={"as_of": day, "lang": lang})
            assert r.status_code == 422, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            [error] = r.json()["errors"]
            assert (error["field"], error["code"]) == ("as_of", "out_of_range")
            assert "2016-01-01" in error["ja"] and "日本時間" in error["ja"] and "Japan time" in error["en"]
            assert words in error["message"]
    for day in ("2016-01-01", str(today)):
        assert (await api.client.get(f"{API}/stats", params={"as_of": day})).status_code == 200
    for junk in ("99999-01-01", "-0001-01-01", "2026-13-01", "2026-02-30", "1e9"):
        r = await api.client.get(f"{API}/stats", params={"as_of": junk})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "as_of", r.text
