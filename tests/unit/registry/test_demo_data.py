"""The demo data against the official list (kit/data/municipalities.csv): every member shows its
prefecture and block, a local government is itself, and an organisation named after a place
sits in that place's prefecture."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kit.gazetteer import block_for_prefecture_code
from services.registry.demo import FREE_CODE, HIDA, LOCAL_GOVERNMENTS, ORGANISATIONS, DemoData, build_demo, demo_bases
from services.registry.domain.local_government import Gazetteer

LG_KINDS = ("prefecture", "municipality")


@pytest.fixture(scope="module")
def demo(gazetteer: Gazetteer) -> DemoData:
    return build_demo(gazetteer)


def places_named(name: str, gazetteer: Gazetteer) -> dict[str, set[str]]:
    """Place names (prefectures and municipalities) written in `name` → their prefecture codes.

    Only the longest: 北広島市 names 北広島市 (北海道), not 広島市 (広島県) inside it."""
    found: dict[str, set[str]] = {}
    for lg in gazetteer:
        if lg.name in name:
            found.setdefault(lg.name, set()).add(lg.prefecture_code)
    return {n: codes for n, codes in found.items() if not any(n != other and n in other for other in found)}


def test_counts_and_determinism(demo: DemoData, gazetteer: Gazetteer) -> None:
    kinds = Counter(m["kind"] in LG_KINDS for m in demo.members)
    assert (kinds[True], kinds[False]) == (LOCAL_GOVERNMENTS, ORGANISATIONS)
    again = build_demo(gazetteer)
    assert [m["name"] for m in again.members] == [m["name"] for m in demo.members]
    assert len({m["name"] for m in demo.members}) == len(demo.members)  # no two members share a name
    assert FREE_CODE not in demo.by_code and HIDA in demo.by_code


def test_every_member_shows_its_prefecture_and_block(demo: DemoData, gazetteer: Gazetteer) -> None:
    prefectures = {lg.prefecture_code for lg in gazetteer}
    for m in demo.members:
        assert m["prefecture_code"] in prefectures, m["name"]
        assert m["block"] == block_for_prefecture_code(int(m["prefecture_code"])).block_id, m["name"]


def test_local_governments_are_themselves(demo: DemoData, gazetteer: Gazetteer) -> None:
    for m in (m for m in demo.members if m["kind"] in LG_KINDS):
        lg = gazetteer.get(m["local_government_code"])
        assert lg is not None, m["name"]
        assert (m["kind"], m["name"], m["name_kana"], m["prefecture_code"], m["block"]) == (
            lg.kind, lg.full_name, lg.kana, lg.prefecture_code, lg.block)


def test_organisations_named_after_a_place_sit_in_its_prefecture(demo: DemoData, gazetteer: Gazetteer) -> None:
    organisations = [m for m in demo.members if m["kind"] not in LG_KINDS]
    named_after_a_place = 0
    for m in organisations:
        assert m["local_government_code"] is None, m["name"]
        for place, codes in places_named(m["name"], gazetteer).items():
            named_after_a_place += 1
            assert m["prefecture_code"] in codes, f"{m['name']} is in {m['prefecture_code']}, not where {place} is"
    assert named_after_a_place > ORGANISATIONS // 2  # the check above really checked something


def test_the_rule_catches_the_old_mistake(gazetteer: Gazetteer) -> None:
    """あきる野市地域運営協議会 under 岐阜県 (21) was in the old demo; the check above would refuse it."""
    assert places_named("あきる野市地域運営協議会", gazetteer) == {"あきる野市": {"13"}}
    assert places_named("北広島市まちづくりNPO", gazetteer) == {"北広島市": {"01"}}


def test_small_bases_are_run_by_rmos_of_their_own_city(demo: DemoData, gazetteer: Gazetteer) -> None:
    members: dict[Any, dict[str, Any]] = {m["id"]: m for m in demo.members}
    bases = demo_bases(demo, gazetteer)
    assert bases and all(b["municipality_code"] == HIDA for b in bases)
    runners = [members[b["operator_member_id"]] for b in bases if b["operator_member_id"]]
    assert len(runners) == 2
    for runner in runners:
        assert runner["kind"] == "rmo" and runner["prefecture_code"] == HIDA[:2]
        assert "飛騨市" not in runner["name"]  # so a directory search for 飛騨市 finds the city alone
