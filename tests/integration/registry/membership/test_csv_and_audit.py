"""CSV export and all-or-nothing import with a dry run, and the audit log of both."""

from __future__ import annotations

import csv
import io

from services.registry.gazetteer import load_gazetteer
from tests.integration.registry.conftest import API, Api, Ids, csv_bytes


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
