"""Paging happens in SQL: 120 members paged through the directory and the operators' list, with
totals, reading order, tag and kind filters, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.integration.registry.conftest import API, Api, csv_bytes

COUNT = 120
NAME, KANA, TAG = "ページング検証", "ページングケンショウ", "ページング試験"


def _rows() -> list[dict[str, str]]:
    """Reading order (kana) is the reverse of the names' order, so the test sees which one is used."""
    return [{"kind": "university" if n % 4 == 0 else "intermediary", "name": f"{NAME}{n:03d}",
             "name_kana": f"{KANA}{COUNT - 1 - n:03d}", "contact_name": "頁 送子", "contact_email": f"p{n}@example.jp",
             "directory_opt_in": "1", "activity_tags": f"{TAG};観光" if n % 3 == 0 else "観光"}
            for n in range(COUNT)]




async def _all_pages(api: Api, path: str, params: dict[str, Any], size: int, expected_total: int,
                     headers: dict[str, str] | None = None) -> list[str]:
    """Every page in turn: each says the same total and holds `size` items but the last."""
    names: list[str] = []
    for offset in range(0, expected_total + size, size):
        r = await api.client.get(f"{API}{path}", params={**params, "offset": offset, "limit": size},
                                 headers=headers)
        assert r.status_code == 200, r.text
        page = r.json()
        assert (page["total"], page["offset"], page["limit"]) == (expected_total, offset, size)
        assert len(page["items"]) == max(0, min(size, expected_total - offset))
        names += [item["name"] for item in page["items"]]
    return names


async def test_paging_through_120_members(api: Api) -> None:
    op = await api.operator()
    rows = _rows()
    done = await api.client.post(f"{API}/import", params={"dry_run": "false"}, content=csv_bytes(rows), headers=op)
    assert done.status_code == 200 and done.json()["imported"] == COUNT, done.text
    by_kana = [row["name"] for row in sorted(rows, key=lambda row: row["name_kana"])]
    assert by_kana[0] == f"{NAME}{COUNT - 1:03d}"  # reversed: the kana decides

    assert await _all_pages(api, "/directory", {"q": NAME}, 25, COUNT) == by_kana
    assert await _all_pages(api, "/directory", {"q": KANA}, 50, COUNT) == by_kana  # by reading, too
    assert await _all_pages(api, "/members", {"q": NAME}, 50, COUNT, headers=op) == by_kana
    assert await _all_pages(api, "/members", {"q": NAME, "status": "active"}, 33, COUNT, headers=op) == by_kana

    tagged = [row["name"] for row in sorted(rows, key=lambda row: row["name_kana"])
              if TAG in row["activity_tags"].split(";")]
    assert len(tagged) == COUNT // 3
    assert await _all_pages(api, "/directory", {"q": NAME, "tag": TAG}, 7, len(tagged)) == tagged
    assert await _all_pages(api, "/directory", {"q": NAME, "tag": [TAG, "観光"]}, 100, len(tagged)) == tagged
    universities = [name for name in tagged if int(name[-3:]) % 4 == 0]
    assert await _all_pages(api, "/directory", {"q": NAME, "tag": TAG, "kind": "university"}, 3,
                            len(universities)) == universities
    assert await _all_pages(api, "/directory", {"q": NAME, "tag": "どこにもないタグ"}, 20, 0) == []

    # The page links of the directory page walk the same order, 20 a page.
    html = await api.client.get("/registry/directory", params={"q": NAME, "page": 6})
    assert html.status_code == 200 and by_kana[100] in html.text and by_kana[99] not in html.text


async def test_the_database_filters_counts_and_pages(api: Api, spans: InMemorySpanExporter) -> None:
    """No list loads every member to cut a page out of it: the statements say so."""
    op = await api.operator()
    for path, headers in (("/directory", None), ("/members", op)):
        spans.clear()
        r = await api.client.get(f"{API}{path}", params={"q": NAME, "tag": TAG, "offset": 5, "limit": 5},
                                 headers=headers)
        assert r.status_code == 200, r.text
        texts = [str((s.attributes or {}).get("db.query.text", "")) for s in spans.get_finished_spans()]
        statements = [t for t in texts if t.lstrip().upper().startswith("SELECT")]
        on_members = [s for s in statements if "FROM members" in s]
        assert any("count(" in s.lower() for s in on_members), statements
        assert any("LIMIT" in s and "OFFSET" in s for s in on_members), statements
        assert all("LIMIT" in s or "count(" in s.lower() for s in on_members), statements
