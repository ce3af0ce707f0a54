"""小さな拠点: registered by a municipality in its own area, counted beside the national figures."""

from __future__ import annotations

from tests.integration.registry.conftest import API, Api, Ids, admin_of_new_member, municipality, outbox
from tests.support.platform import RunningPlatform


async def test_small_bases(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    member_id, admin = await admin_of_new_member(registry, api, municipality(ids, "bases@example.jp"))
    code = (await api.client.get(f"{API}/members/{member_id}", headers=admin)).json()["local_government_code"]
    c = api.client
    ok = await c.post(f"{API}/members/{member_id}/small-bases", headers=admin,
                      json={"name": "ふれあい拠点", "municipality_code": code, "services": ["買い物", "診療所"],
                            "opened_on": "2024-04-01"})
    assert ok.status_code == 201, ok.text
    for body, field in (({"name": "x", "municipality_code": "212171"}, "municipality_code"),
                        ({"name": "x", "municipality_code": "999997"}, "municipality_code"),
                        ({"name": "x", "municipality_code": "210005"}, "municipality_code")):
        r = await c.post(f"{API}/members/{member_id}/small-bases", headers=admin, json=body)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    [told] = [e for e in await outbox(registry) if e["type"] == "registry.small_base.registered.v1"
              and e["member_id"] == member_id]  # once, and not for the refused ones
    assert (told["small_base_id"], told["name"], told["municipality_code"], told["prefecture_code"],
            told["opened_on"]) == (ok.json()["id"], "ふれあい拠点", code, code[:2], "2024-04-01")
    figures = (await c.get(f"{API}/small-bases/stats")).json()
    assert figures["national_target"] == 1800 and figures["reference"]["formed"] == 1636
    assert figures["reference"]["run_by_rmo"] == 1386 and figures["total"] >= 1
    assert figures["by_prefecture"][code[:2]] >= 1


async def test_opening_day_out_of_range_is_a_422(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    member_id, admin = await admin_of_new_member(registry, api, municipality(ids, "bases-day@example.jp"))
    code = (await api.client.get(f"{API}/members/{member_id}", headers=admin)).json()["local_government_code"]
    for day in ("0001-01-01", "1949-12-31", "9999-12-31"):
        r = await api.client.post(f"{API}/members/{member_id}/small-bases", headers=admin,
                                  json={"name": "拠点", "municipality_code": code, "opened_on": day})
        assert r.status_code == 422, r.text
        [error] = r.json()["errors"]
        assert (error["field"], error["code"]) == ("opened_on", "out_of_range") and error["ja"] and error["en"]
