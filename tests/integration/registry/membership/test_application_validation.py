"""Validation table: local-government codes and 法人番号 in applications, each a 422 with ja/en field
messages; and valid applications of each kind."""

from __future__ import annotations

import pytest

from tests.integration.registry.conftest import Api, Ids


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
