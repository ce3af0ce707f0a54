"""The services' demo data name the same members: the registry's demo member 飛騨市 is the member
matching's demo programs for 飛騨市 belong to (ids from kit/demo.py), so its demo staff manage them."""

from __future__ import annotations

from services.matching.demo import member_id
from services.registry.demo import build_demo
from services.registry.gazetteer import load_gazetteer

HIDA = "212172"


def test_the_registrys_demo_hida_is_matchings_demo_hida() -> None:
    registry = build_demo(load_gazetteer())
    assert registry.by_code[HIDA] == member_id(HIDA)
    assert any(m["id"] == member_id(HIDA) and m["local_government_code"] == HIDA for m in registry.members)
