"""The network's figures from members' statuses as of a day: counted by status, kind, block and
prefecture, placed on the map, and written as CSV. Pure: no database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from kit.gazetteer import BLOCKS, block_for_prefecture_code, local_governments
from services.console.network.domain.export import network_csv, small_bases_csv
from services.console.network.domain.figures import (
    COUNTED,
    KINDS,
    LOCAL_GOVERNMENT_KINDS,
    MemberAsOf,
    Network,
    network,
    small_bases,
)
from services.console.network.domain.places import PREFECTURE_EN, SEATS, home_prefecture, place_of, prefectures
from tests.support.console import sections

LGS = local_governments()
PREFECTURES = prefectures(LGS)
DAY = date(2026, 4, 1)
CUTOFF = datetime(2026, 4, 1, 15, tzinfo=UTC)
HIDA, GIFU_PREFECTURE, SAPPORO = "212172", "210005", "011002"


def member(kind: str, status: str, prefecture: str | None = None, municipality: str | None = None) -> MemberAsOf:
    return MemberAsOf(member_id=uuid4(), kind=kind, prefecture_code=prefecture, municipality_code=municipality,
                      status=status)


def figures(members: list[MemberAsOf]) -> Network:
    return network(members, as_of=DAY, cutoff=CUTOFF, prefectures=PREFECTURES, lgs=LGS)


# -- places ---------------------------------------------------------------------------------------------
def test_the_47_prefectures_are_named_in_both_languages_with_the_kits_blocks() -> None:
    assert [p.code for p in PREFECTURES] == [f"{n:02d}" for n in range(1, 48)]
    assert (PREFECTURES[0].ja, PREFECTURES[0].en) == ("北海道", "Hokkaido")
    assert (PREFECTURES[20].ja, PREFECTURES[20].en) == ("岐阜県", "Gifu")
    assert (PREFECTURES[46].ja, PREFECTURES[46].en) == ("沖縄県", "Okinawa")
    assert len(PREFECTURE_EN) == len(SEATS) == 47
    assert all(p.block == block_for_prefecture_code(int(p.code)) for p in PREFECTURES)


def test_every_seat_is_a_municipality_of_its_own_prefecture_with_coordinates() -> None:
    for n, code in enumerate(SEATS, 1):
        seat = LGS[code]
        assert seat.is_municipality and seat.prefecture_code == f"{n:02d}", code
        assert seat.lat is not None and seat.lon is not None, code
    assert LGS[SEATS[12]].city == "新宿区"  # 東京都庁


def test_a_members_home_prefecture_is_given_or_read_from_its_municipality() -> None:
    assert home_prefecture("21", None) == "21"
    assert home_prefecture(None, HIDA) == "21"
    assert home_prefecture(None, None) is None
    assert home_prefecture("99", "00abc") is None
    assert home_prefecture("", "472018") == "47"


def test_a_member_is_drawn_at_its_municipality_else_at_its_prefectures_seat() -> None:
    hida = place_of("21", HIDA, lgs=LGS)
    assert hida is not None and (hida.code, hida.name, hida.at_seat) == (HIDA, "岐阜県飛騨市", False)
    prefecture = place_of("21", GIFU_PREFECTURE, lgs=LGS)  # the prefecture's own code has no coordinates
    assert prefecture is not None and (prefecture.code, prefecture.at_seat) == ("212016", True)  # 岐阜市
    organisation = place_of("01", None, lgs=LGS)
    assert organisation is not None and organisation.code == SAPPORO and organisation.at_seat
    assert place_of(None, "219999", lgs=LGS) == prefecture  # not on the list: its prefecture's seat
    assert place_of(None, None, lgs=LGS) is None


# -- the figures ----------------------------------------------------------------------------------------
def test_members_are_approved_or_active_and_the_rest_is_counted_apart() -> None:
    found = figures([
        member("municipality", "active", "21", HIDA), member("prefecture", "approved", "21", GIFU_PREFECTURE),
        member("company", "active"), member("npo", "suspended", "13"), member("intermediary", "submitted", "01"),
        member("rmo", "returned", "32"), member("university", "withdrawn", "13"), member("company", "rejected"),
        member("company", "draft"),
    ])
    assert (found.members, found.local_governments, found.organisations) == (3, 2, 1)
    assert (found.suspended, found.pending, found.returned) == (1, 1, 1)
    kinds = {row.kind: row for row in found.by_kind}
    assert list(kinds) == list(KINDS)  # every kind, in order, zeros included
    assert (kinds["municipality"].members, kinds["municipality"].ja, kinds["municipality"].en) == (1, "市区町村",
                                                                                                    "Municipality")
    assert kinds["municipality"].local_government and not kinds["company"].local_government
    assert (kinds["company"].members, kinds["npo"].suspended, kinds["university"].members) == (1, 1, 0)
    gifu = found.by_prefecture[20]
    assert (gifu.code, gifu.ja, gifu.en, gifu.block_id) == ("21", "岐阜県", "Gifu", "hokuriku_tokai")
    assert (gifu.members, gifu.local_governments, gifu.by_kind["municipality"], gifu.by_kind["prefecture"]) == (
        2, 2, 1, 1)
    blocks = {row.code: row for row in found.by_block}
    assert list(blocks) == [b.block_id for b in BLOCKS]
    assert (blocks["hokuriku_tokai"].members, blocks["hokuriku_tokai"].ja) == (2, "北陸・東海")
    assert (blocks["kanto"].suspended, blocks["hokkaido_tohoku"].pending, blocks["chugoku_shikoku"].returned) == (
        1, 1, 1)
    assert found.no_prefecture.members == 1  # the company with no prefecture
    assert [(p.code, p.members, p.at_seat) for p in found.map_points] == [("212016", 1, 1), (HIDA, 1, 0)]
    assert found.unmapped == 1
    assert (found.reference.local_governments, found.reference.organisations) == (275, 282)


def test_a_kind_the_console_does_not_know_is_shown_by_its_code_after_the_known_ones() -> None:
    found = figures([member("cooperative", "active", "13")])
    assert [(r.kind, r.ja, r.en, r.members) for r in found.by_kind][-1] == ("cooperative", "cooperative",
                                                                            "cooperative", 1)
    assert found.by_prefecture[12].by_kind["cooperative"] == 1


STATUSES = st.sampled_from(["draft", "submitted", "returned", "approved", "rejected", "active", "suspended",
                            "withdrawn"])
KIND_CODES = st.sampled_from([*KINDS, "cooperative"])
PREFECTURE_CODES = st.one_of(st.none(), st.sampled_from(["01", "13", "21", "32", "47", "00", "99"]))
MUNICIPALITY_CODES = st.one_of(st.none(), st.sampled_from([HIDA, GIFU_PREFECTURE, SAPPORO, "472018", "219999"]))
MEMBERS = st.lists(st.builds(MemberAsOf, member_id=st.uuids(), kind=KIND_CODES, prefecture_code=PREFECTURE_CODES,
                             municipality_code=MUNICIPALITY_CODES, status=STATUSES), max_size=40)


@given(MEMBERS)
def test_every_breakdown_adds_up_to_a_brute_force_recount(members: list[MemberAsOf]) -> None:
    found = figures(members)
    good = [m for m in members if m.status in COUNTED]
    assert found.members == len(good) == found.local_governments + found.organisations
    assert found.local_governments == sum(1 for m in good if m.kind in LOCAL_GOVERNMENT_KINDS)
    status = Counter(m.status for m in members)
    assert (found.suspended, found.pending, found.returned) == (status["suspended"], status["submitted"],
                                                                status["returned"])
    for field in ("members", "local_governments", "organisations", "suspended", "pending", "returned"):
        total = getattr(found, field)
        assert sum(getattr(r, field) for r in found.by_kind) == total, field
        assert sum(getattr(r, field) for r in found.by_prefecture) + getattr(found.no_prefecture, field) == total
        assert sum(getattr(r, field) for r in found.by_block) == sum(getattr(r, field) for r in found.by_prefecture)
    for area in (*found.by_prefecture, *found.by_block):
        assert sum(area.by_kind.values()) == area.members
    assert sum(p.members for p in found.map_points) + found.unmapped == found.members
    assert all(p.local_governments + p.organisations == p.members >= p.at_seat for p in found.map_points)


@given(MEMBERS, MEMBERS)
def test_members_standing_nowhere_a_figure_reads_change_nothing(members: list[MemberAsOf],
                                                                 others: list[MemberAsOf]) -> None:
    """Draft, rejected and withdrawn memberships are in no figure, wherever they are."""
    gone = [m for m in others if m.status in ("draft", "rejected", "withdrawn")]
    assert figures(members + gone) == figures(members)


# -- small bases ----------------------------------------------------------------------------------------
def test_small_bases_are_counted_per_prefecture_and_block_beside_the_national_figures() -> None:
    found = small_bases({"21": 3, "01": 1, "32": 2}, as_of=DAY, cutoff=CUTOFF, prefectures=PREFECTURES)
    assert (found.registered, found.national_target, found.share_of_target) == (6, 1800, round(6 / 1800, 4))
    assert (found.reference.formed, found.reference.run_by_rmo, found.reference.target) == (1636, 1386, 1800)
    assert found.reference.target_fiscal_year == 2027
    assert len(found.by_prefecture) == 47 and found.by_prefecture[20].registered == 3
    assert [(b.code, b.registered) for b in found.by_block] == [
        ("hokkaido_tohoku", 1), ("kanto", 0), ("hokuriku_tokai", 3), ("kinki", 0), ("chugoku_shikoku", 2),
        ("kyushu_okinawa", 0)]


# -- CSV ------------------------------------------------------------------------------------------------
def test_the_network_csv_has_a_section_per_table_in_either_language() -> None:
    found = figures([member("municipality", "active", "21", HIDA), member("company", "submitted", "13")])
    totals, by_kind, by_block, by_prefecture, points, reference = sections(network_csv(found, "ja"))
    assert totals[0] == ["会員（2026-04-01 時点）"]
    assert totals[2][:2] == ["全国", "1"]
    assert by_kind[2][:3] == ["都道府県", "prefecture", "1"]
    assert len(by_block) == 2 + 6 and len(by_prefecture) == 2 + 47
    assert by_prefecture[22][:4] == ["21", "岐阜県", "北陸・東海", "1"]
    assert points[2][:2] == [HIDA, "岐阜県飛騨市"]
    assert reference[2][1] == "275"
    english = sections(network_csv(found, "en"))
    assert english[0][0] == ["Members (as of 2026-04-01)"] and english[3][22][:3] == ["21", "Gifu", "Hokuriku & Tokai"]


def test_the_small_bases_csv_gives_the_target_beside_the_count() -> None:
    found = small_bases({"21": 2}, as_of=DAY, cutoff=CUTOFF, prefectures=PREFECTURES)
    totals, by_block, by_prefecture, reference = sections(small_bases_csv(found, "ja"))
    assert totals[2] == ["2", "1800", "0.1%", "1636", "1386"]
    assert by_prefecture[22] == ["21", "岐阜県", "北陸・東海", "2"]
    assert [row[1] for row in reference[2:]] == ["1636", "1386", "1800"]

