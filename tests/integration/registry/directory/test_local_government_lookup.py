"""Looking up local governments: codes (format, check digit, unknown, full-width) and names or readings."""

from __future__ import annotations

import pytest

from tests.integration.registry.conftest import API
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
