"""Validation table: local-government codes, lookups and 法人番号, each a 422 with ja/en field messages."""

from __future__ import annotations

import pytest

from tests.integration.registry.conftest import API, Api, Ids
from tests.support.platform import RunningPlatform


@pytest.mark.parametrize(("code", "status", "error_code"), [
    ("21217", 422, "format"),       # five digits
    ("21217a", 422, "format"),      # not digits
    ("212171", 422, "check_digit"),  # 飛騨市 with a wrong check digit
    ("999997", 404, None),          # well formed, right check digit, not in the list
    ("212172", 200, None),          # 飛騨市
    ("２１２１７２", 200, None),      # full-width digits are folded
])
async def test_local_government_code_lookup(registry: RunningPlatform, code: str, status: int,
                                            error_code: str | None) -> None:
    r = await registry.client.get(f"{API}/local-governments/{code}")
    assert r.status_code == status, r.text
    if status == 200:
        assert r.json() == {"code": "212172", "name": "飛騨市", "kana": "ヒダシ", "prefecture": "岐阜県",
                            "prefecture_code": "21", "block": "hokuriku_tokai", "kind": "municipality"}
    elif status == 422:
        error = r.json()["errors"][0]
        assert error["code"] == error_code and error["ja"] and error["en"]
    else:
        assert r.json()["detail"]["ja"] and r.json()["detail"]["en"]


@pytest.mark.parametrize("q", ["飛騨市", "ﾋﾀﾞｼ", "ひだし", "飛騨"])
async def test_search_by_name_or_kana(registry: RunningPlatform, q: str) -> None:
    r = await registry.client.get(f"{API}/local-governments", params={"q": q})
    assert r.status_code == 200
    assert "212172" in [lg["code"] for lg in r.json()]


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"kind": "municipality", "local_government_code": "212171"}, "local_government_code", "check_digit"),
    ({"kind": "municipality", "local_government_code": "12345"}, "local_government_code", "format"),
    ({"kind": "municipality", "local_government_code": "999997"}, "local_government_code", "unknown"),
    ({"kind": "municipality"}, "local_government_code", "required"),
    ({"kind": "prefecture", "local_government_code": "212172"}, "local_government_code", "kind_mismatch"),
    ({"kind": "company", "name": "株式会社テスト"}, "corporate_number", "required"),
    ({"kind": "company", "name": "株式会社テスト", "corporate_number": "123456789012"}, "corporate_number", "format"),
    ({"kind": "company", "name": "株式会社テスト", "corporate_number": "8000012050002"}, "corporate_number",
     "check_digit"),
    ({"kind": "company", "corporate_number": "7000012050002"}, "name", "required"),
    ({"kind": "rmo", "name": "〇〇地区協議会"}, "legal_form", "required"),
    ({"kind": "rmo", "name": "〇〇地区協議会", "legal_form": "npo_corp"}, "corporate_number", "required"),
    ({"kind": "company", "name": "x", "corporate_number": "7000012050002", "website": "javascript:alert(1)"},
     "website", "string_pattern_mismatch"),
    ({"kind": "company", "name": "x", "corporate_number": "7000012050002", "contact_email": "nope"},
     "contact_email", "value_error"),
])
async def test_application_validation_table(api: Api, body: dict[str, object], field: str, code: str) -> None:
    body = {"contact_email": "v@example.jp", **body}
    r = await api.apply(**body)
    assert r.status_code == 422, r.text
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert field in errors, errors
    assert errors[field]["code"] == code
    assert errors[field]["ja"] and errors[field]["en"]


async def test_valid_applications(api: Api, ids: Ids) -> None:
    lg = await api.apply(kind="municipality", local_government_code="２０２０１１".replace("２０２０１１", "202011"),
                         contact_email="nagano@example.jp")
    assert lg.status_code == 201, lg.text
    body = lg.json()
    assert (body["name"], body["name_kana"], body["prefecture_code"], body["block"]) == (
        "長野県長野市", "ナガノシ", "20", "hokuriku_tokai")
    number = ids.corporate()
    co = await api.apply(kind="company", name="株式会社かかわり", corporate_number=f"{number[0]}-{number[1:]}",
                         contact_email="co@example.jp")
    assert co.status_code == 201, co.text
    assert co.json()["corporate_number"] == number
    informal = await api.apply(kind="rmo", legal_form="nini", name="山あい地区振興会", contact_email="rmo@example.jp")
    assert informal.status_code == 201, informal.text
    assert informal.json()["corporate_number"] is None
