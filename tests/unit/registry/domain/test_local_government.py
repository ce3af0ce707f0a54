"""地方公共団体コード rules and the gazetteer, checked against the real CSV."""

from __future__ import annotations

import pytest

from kit.errors import NotFound, ValidationFailed
from kit.gazetteer import BLOCKS, block_for_prefecture_code
from services.registry.domain.lg_code import check_digit, normalise_code, validate_code_format
from services.registry.domain.local_government import Gazetteer

HIDA = "212172"


def _row(code: str, pref: str, city: str = "", pref_kana: str = "", city_kana: str = "") -> dict[str, str]:
    return {"code": code, "prefecture": pref, "city": city, "prefecture_kana": pref_kana,
            "city_kana": city_kana, "lat": "", "lng": ""}


def _code(first5: str) -> str:
    return first5 + str(check_digit(first5))


# --- check digit and format ---------------------------------------------------

@pytest.mark.parametrize(
    ("first5", "expected"),
    [("21217", 2), ("21000", 5), ("01000", 6), ("13101", 6), ("01100", 2), ("47000", 7), ("99999", 7)],
)
def test_check_digit(first5: str, expected: int) -> None:
    assert check_digit(first5) == expected


@pytest.mark.parametrize("bad", ["2121", "212172", "2121a", "２１２１７", ""])
def test_check_digit_rejects_non_five_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("212172", "212172"), (" 212172\n", "212172"), ("２１２１７２", "212172"), ("　212172", "212172")],
)
def test_normalise_code(raw: str, expected: str) -> None:
    assert normalise_code(raw) == expected


@pytest.mark.parametrize("ok", ["212172", "２１２１７２", " 212172 ", "131016", "010006"])
def test_validate_code_format_accepts(ok: str) -> None:
    validate_code_format(ok)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("21217", "format"),  # 5 digits: the check digit is missing
        ("2121720", "format"),  # 7 digits
        ("21217a", "format"),  # letters
        ("abcdef", "format"),
        ("", "format"),
        ("21-217", "format"),
        ("２１２１７", "format"),  # full-width is folded, but still only 5 digits
        ("212171", "check_digit"),
        ("131010", "check_digit"),
        ("210000", "check_digit"),
    ],
)
def test_validate_code_format_rejects(raw: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_code_format(raw, field="code")
    assert exc.value.status == 422
    [p] = exc.value.problems
    assert (p.field, p.code) == ("code", problem)
    assert p.ja and p.en and p.ja != p.en


# --- regional blocks ----------------------------------------------------------

@pytest.mark.parametrize(
    ("pc", "block_id"),
    [(1, "hokkaido_tohoku"), (7, "hokkaido_tohoku"), (8, "kanto"), (13, "kanto"), (14, "kanto"),
     (15, "hokuriku_tokai"), (21, "hokuriku_tokai"), (24, "hokuriku_tokai"), (25, "kinki"), (30, "kinki"),
     (31, "chugoku_shikoku"), (39, "chugoku_shikoku"), (40, "kyushu_okinawa"), (47, "kyushu_okinawa")],
)
def test_block_for_prefecture_code(pc: int, block_id: str) -> None:
    assert block_for_prefecture_code(pc).block_id == block_id


@pytest.mark.parametrize("pc", [0, 48, -1, 99])
def test_block_for_prefecture_code_out_of_range(pc: int) -> None:
    with pytest.raises(ValueError):
        block_for_prefecture_code(pc)


def test_blocks_tile_all_47_prefectures_in_order() -> None:
    covered = [pc for block in BLOCKS for pc in block.prefecture_codes]
    assert covered == list(range(1, 48))
    assert [b.block_id for b in BLOCKS] == [
        "hokkaido_tohoku", "kanto", "hokuriku_tokai", "kinki", "chugoku_shikoku", "kyushu_okinawa"]
    assert all(b.name_ja and b.name_en for b in BLOCKS)


# --- the real data --------------------------------------------------------------

def test_every_csv_row_has_a_valid_check_digit(municipality_rows: list[dict[str, str]]) -> None:
    assert len(municipality_rows) == 1788
    bad = [r["code"] for r in municipality_rows if check_digit(r["code"][:5]) != int(r["code"][5])]
    assert bad == []


def test_gazetteer_size_and_blocks(gazetteer: Gazetteer) -> None:
    assert len(gazetteer) == 1788
    counts = gazetteer.by_block()
    assert list(counts) == [b.block_id for b in BLOCKS]
    assert all(n > 0 for n in counts.values()), counts
    assert sum(counts.values()) == 1788
    assert sum(lg.kind == "prefecture" for lg in gazetteer) == 47


def test_gazetteer_iterates_in_code_order(gazetteer: Gazetteer) -> None:
    codes = [lg.code for lg in gazetteer]
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("code", "name", "kana", "prefecture", "block", "kind"),
    [
        (HIDA, "飛騨市", "ヒダシ", "岐阜県", "hokuriku_tokai", "municipality"),
        ("210005", "岐阜県", "ギフケン", "岐阜県", "hokuriku_tokai", "prefecture"),
        ("131016", "千代田区", "チヨダク", "東京都", "kanto", "municipality"),  # a Tokyo ward is a municipality
        ("010006", "北海道", "ホッカイドウ", "北海道", "hokkaido_tohoku", "prefecture"),
        ("011002", "札幌市", "サッポロシ", "北海道", "hokkaido_tohoku", "municipality"),
    ],
)
def test_lookup_known(gazetteer: Gazetteer, code: str, name: str, kana: str, prefecture: str, block: str,
                      kind: str) -> None:
    lg = gazetteer.lookup(code)
    assert (lg.code, lg.name, lg.kana, lg.prefecture, lg.prefecture_code, lg.block, lg.kind) == (
        code, name, kana, prefecture, code[:2], block, kind)


def test_coordinates(gazetteer: Gazetteer) -> None:
    hida = gazetteer.lookup(HIDA)
    assert hida.lat == pytest.approx(36.23812) and hida.lng == pytest.approx(137.18632)
    gifu = gazetteer.lookup("210005")
    assert gifu.lat is None and gifu.lng is None
    assert (hida.full_name, gifu.full_name) == ("岐阜県飛騨市", "岐阜県")


def test_lookup_normalises_full_width_digits(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("２１２１７２").code == HIDA


@pytest.mark.parametrize(("raw", "problem"), [("21217", "format"), ("2121720", "format"), ("21217x", "format"),
                                              ("212171", "check_digit")])
def test_lookup_malformed_is_422(gazetteer: Gazetteer, raw: str, problem: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        gazetteer.lookup(raw)
    assert [p.code for p in exc.value.problems] == [problem]
    assert exc.value.status == 422


@pytest.mark.parametrize("first5", ["99999", "48000", "21999", "00000"])
def test_lookup_unknown_but_well_formed_is_404(gazetteer: Gazetteer, first5: str) -> None:
    code = _code(first5)
    validate_code_format(code)  # well-formed, so the failure must be "not found"
    with pytest.raises(NotFound) as exc:
        gazetteer.lookup(code)
    assert exc.value.status == 404
    assert code in exc.value.ja and code in exc.value.en


def test_unknown_code_literal() -> None:
    assert _code("99999") == "999997"


@pytest.mark.parametrize("code", ["999997", "212171", "abc", ""])
def test_get_returns_none(gazetteer: Gazetteer, code: str) -> None:
    assert gazetteer.get(code) is None
    assert code not in gazetteer


def test_get_and_contains(gazetteer: Gazetteer) -> None:
    assert gazetteer.get(" ２１２１７２ ") == gazetteer.lookup(HIDA)
    assert HIDA in gazetteer


# --- search -----------------------------------------------------------------------

@pytest.mark.parametrize("q", ["飛騨市", "ひだし", "ﾋﾀﾞｼ", "ヒダシ", "ヒダ", "飛騨", "岐阜県飛騨市", "ぎふけんひだし",
                               "ひ だ し", "飛騨　市", "ﾋﾀﾞ"])
def test_search_finds_hida(gazetteer: Gazetteer, q: str) -> None:
    assert HIDA in [lg.code for lg in gazetteer.search(q)]


@pytest.mark.parametrize("q", ["飛騨市", "ひだし", "ﾋﾀﾞｼ", "岐阜県飛騨市"])
def test_search_exact_match_comes_first(gazetteer: Gazetteer, q: str) -> None:
    assert gazetteer.search(q)[0].code == HIDA


def test_search_prefix_matches_come_before_substring_matches(gazetteer: Gazetteer) -> None:
    hits = gazetteer.search("ヒダ", limit=100)
    prefix = [lg.kana.startswith("ヒダ") or lg.name.startswith("ヒダ") for lg in hits]
    assert prefix == sorted(prefix, reverse=True)  # all True first, then the False ones
    n = prefix.count(True)
    assert n >= 3 and n < len(hits)  # both groups are present in the real data
    for group in (hits[:n], hits[n:]):
        assert [lg.code for lg in group] == sorted(lg.code for lg in group)


def test_search_prefecture_ranks_before_its_municipalities(gazetteer: Gazetteer) -> None:
    hits = gazetteer.search("岐阜", limit=3)
    assert [lg.code for lg in hits] == ["210005", "212016", "212024"]  # 岐阜県, 岐阜市, then via "岐阜県…"


def test_search_same_name_in_two_prefectures(gazetteer: Gazetteer) -> None:
    assert [lg.full_name for lg in gazetteer.search("伊達市")] == ["北海道伊達市", "福島県伊達市"]


@pytest.mark.parametrize(("q", "limit", "n"), [("", 20, 0), ("   ", 20, 0), ("市", 5, 5), ("市", 0, 0),
                                                ("存在しない名前", 20, 0)])
def test_search_limits(gazetteer: Gazetteer, q: str, limit: int, n: int) -> None:
    assert len(gazetteer.search(q, limit=limit)) == n


def test_search_ranks_exact_then_prefix_then_substring() -> None:
    g = Gazetteer([
        _row("010006", "北海道", pref_kana="ﾎｯｶｲﾄﾞｳ"),
        _row(_code("01101"), "北海道", "中山町", "ﾎｯｶｲﾄﾞｳ", "ﾅｶﾔﾏﾁｮｳ"),  # substring
        _row(_code("01102"), "北海道", "山町", "ﾎｯｶｲﾄﾞｳ", "ﾔﾏﾁｮｳ"),  # exact
        _row(_code("01103"), "北海道", "山町村", "ﾎｯｶｲﾄﾞｳ", "ﾔﾏﾁｮｳﾑﾗ"),  # prefix
        _row(_code("01104"), "北海道", "山町川", "ﾎｯｶｲﾄﾞｳ", "ﾔﾏﾁｮｳｶﾜ"),  # prefix
    ])
    assert [lg.name for lg in g.search("やまちょう")] == ["山町", "山町村", "山町川", "中山町"]


def test_gazetteer_rejects_bad_reference_data() -> None:
    with pytest.raises(ValueError):
        Gazetteer([_row("010006", "北海道"), _row("010006", "北海道")])
    with pytest.raises(ValidationFailed):
        Gazetteer([_row("010005", "北海道")])
