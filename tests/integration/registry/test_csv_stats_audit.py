"""CSV export and all-or-nothing import, as-of figures from history, small bases and the audit log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from uuid import UUID

from sqlalchemy import update

from kit.db.types import utcnow
from services.registry.gazetteer import load_gazetteer
from services.registry.models import MemberHistory
from services.registry.transfer import IMPORT_COLUMNS
from tests.integration.registry.conftest import API, Api, Ids, admin_of_new_member, municipality
from tests.support.platform import RunningPlatform


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def row(**values: str) -> dict[str, str]:
    return {"contact_name": "取込 担当", "contact_email": "import@example.jp", **values}


async def _count(api: Api, headers: dict[str, str]) -> int:
    return int((await api.client.get(f"{API}/members", headers=headers, params={"limit": 1})).json()["total"])


async def test_import_dry_run_reports_rows_and_writes_nothing(api: Api, ids: Ids) -> None:
    op = await api.operator()
    code, number = ids.code(), ids.corporate()
    bad = csv_bytes([
        row(kind="municipality", local_government_code=code),
        row(kind="municipality", local_government_code="212171"),          # check digit
        row(kind="company", name="株式会社取込", corporate_number="123"),    # format
        row(kind="municipality", local_government_code=code),              # duplicate inside the file
        row(kind="spaceship", name="x"),                                   # bad enum
    ])
    before = await _count(api, op)
    dry = await api.client.post(f"{API}/import", params={"dry_run": "true"}, content=bad, headers=op)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["rows"] == 5 and report["imported"] == 0
    assert sorted({e["row"] for e in report["errors"]}) == [3, 4, 5, 6]
    assert {e["code"] for e in report["errors"]} >= {"check_digit", "format", "duplicate_in_file", "enum"}
    real = await api.client.post(f"{API}/import", params={"dry_run": "false"}, content=bad, headers=op)
    assert real.status_code == 422 and real.json()["report"]["errors"]
    assert await _count(api, op) == before  # nothing written

    good = csv_bytes([row(kind="municipality", local_government_code=code, directory_opt_in="1",
                          activity_tags="援農;移住・定住"),
                      row(kind="company", name="株式会社取込", corporate_number=number)])
    assert (await api.client.post(f"{API}/import", params={"dry_run": "true"}, content=good,
                                  headers=op)).json()["errors"] == []
    done = await api.client.post(f"{API}/import", params={"dry_run": "false"}, content=good, headers=op)
    assert done.status_code == 200 and done.json()["imported"] == 2
    assert await _count(api, op) == before + 2
    directory = (await api.client.get(f"{API}/directory", params={"tag": "援農", "limit": 100})).json()
    imported_lg = load_gazetteer().get(code)
    assert imported_lg is not None and imported_lg.full_name in [e["name"] for e in directory["items"]]

    export = await api.client.get(f"{API}/export.csv", headers=op)
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert any(r["corporate_number"] == number and r["status"] == "active" for r in rows)
    audit = (await api.client.get(f"{API}/audit", headers=op)).json()
    assert {"members.import", "members.export"} <= {a["action"] for a in audit}
    assert all(a["actor_email"] for a in audit)


async def test_stats_as_of_replays_history(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    op = await api.operator()
    c = api.client
    today = (utcnow() + timedelta(hours=9)).date()  # JST
    long_ago = today - timedelta(days=400)

    async def figures(day: object) -> dict[str, int]:
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
    figures = (await c.get(f"{API}/small-bases/stats")).json()
    assert figures["national_target"] == 1800 and figures["reference"]["formed"] == 1636
    assert figures["reference"]["run_by_rmo"] == 1386 and figures["total"] >= 1
    assert figures["by_prefecture"][code[:2]] >= 1
