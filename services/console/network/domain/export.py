"""The network's and the small bases' figures as CSV files, in Japanese or English: one section
per table (the console's CSV: UTF-8 with a BOM, CRLF, no formulas). Pure."""

from __future__ import annotations

from services.console.domain.csv import REFERENCE_HEADER, Cell, Section, language, write_csv
from services.console.domain.rates import percent
from services.console.network.domain.figures import KINDS, AreaRow, Counts, Network, SmallBases

_WORDS: dict[str, dict[str, str]] = {
    "ja": {"totals": "会員（{day} 時点）", "by_kind": "種別ごと", "by_block": "ブロック別",
           "by_prefecture": "都道府県別", "map": "地図（承認・有効な会員の所在地）", "reference": "参考",
           "country": "全国", "unknown": "うち都道府県不明",
           "small_bases": "小さな拠点（{day} 時点）"},
    "en": {"totals": "Members (as of {day})", "by_kind": "By kind", "by_block": "By block",
           "by_prefecture": "By prefecture", "map": "Map (where members in good standing are)",
           "reference": "Reference",
           "country": "Japan", "unknown": "Of them, prefecture unknown",
           "small_bases": "Small bases (as of {day})"},
}
_COUNTS = {"ja": ("会員数（承認・有効）", "地方公共団体", "民間事業者・団体等", "停止中", "申請中", "差し戻し"),
           "en": ("Members (approved or active)", "Local governments", "Organisations", "Suspended", "Pending",
                  "Returned")}
_AREA = {"ja": ("区分", "コード", "名称"), "en": ("Level", "Code", "Name")}
_KIND = {"ja": ("種別", "コード", "地方公共団体"), "en": ("Kind", "Code", "Local government")}
_PREFECTURE = {"ja": ("コード", "都道府県", "ブロック"), "en": ("Code", "Prefecture", "Block")}
_POINT = {"ja": ("コード", "描画地点", "緯度", "経度", "会員数", "地方公共団体", "民間事業者・団体等",
                 "うち県庁所在地に描画"),
          "en": ("Code", "Drawn at", "Latitude", "Longitude", "Members", "Local governments", "Organisations",
                 "Of them, at the prefecture's seat")}
_BASES = {"ja": ("登録数",), "en": ("Registered",)}


def _counts(c: Counts) -> list[Cell]:
    return [c.members, c.local_governments, c.organisations, c.suspended, c.pending, c.returned]


def _kind_names(locale: str) -> list[str]:
    return [label.ja if locale == "ja" else label.en for label in KINDS.values()]


def _by_kind(row: AreaRow) -> list[Cell]:
    return [row.by_kind.get(kind, 0) for kind in KINDS]


def network_csv(figures: Network, locale: str = "ja") -> bytes:
    """Totals, by kind, by block, by prefecture (all 47), the map's points and the report's count."""
    locale = language(locale)
    words, ja = _WORDS[locale], locale == "ja"
    blocks = {b.code: (b.ja if ja else b.en) for b in figures.by_block}
    ref = figures.reference
    return write_csv([
        Section(words["totals"].format(day=figures.as_of.isoformat()), (_AREA[locale][0], *_COUNTS[locale]),
                [[words["country"], *_counts(figures)], [words["unknown"], *_counts(figures.no_prefecture)]]),
        Section(words["by_kind"], (*_KIND[locale], *_COUNTS[locale]),
                [[k.ja if ja else k.en, k.kind, k.local_government, *_counts(k)] for k in figures.by_kind]),
        Section(words["by_block"], (*_AREA[locale][1:], *_COUNTS[locale], *_kind_names(locale)),
                [[b.code, b.ja if ja else b.en, *_counts(b), *_by_kind(b)] for b in figures.by_block]),
        Section(words["by_prefecture"], (*_PREFECTURE[locale], *_COUNTS[locale], *_kind_names(locale)),
                [[p.code, p.ja if ja else p.en, blocks[p.block_id], *_counts(p), *_by_kind(p)]
                 for p in figures.by_prefecture]),
        Section(words["map"], _POINT[locale],
                [[p.code, p.name, p.lat, p.lon, p.members, p.local_governments, p.organisations, p.at_seat]
                 for p in figures.map_points]),
        Section(words["reference"], REFERENCE_HEADER[locale],
                [[_COUNTS[locale][1], ref.local_governments, ref.ja if ja else ref.en],
                 [_COUNTS[locale][2], ref.organisations, ref.ja if ja else ref.en]]),
    ])


_BASE_TOTALS = {"ja": ("登録数", "全国目標（2027年度）", "目標に対する割合", "全国の形成数（2025年度調査）",
                       "うち地域運営組織が運営"),
                "en": ("Registered", "National target (FY2027)", "Share of the target",
                       "Formed nationwide (FY2025 survey)", "Of them, run by an RMO")}


def small_bases_csv(figures: SmallBases, locale: str = "ja") -> bytes:
    """Totals beside the national target and survey, by block, by prefecture (all 47)."""
    locale = language(locale)
    words, ja = _WORDS[locale], locale == "ja"
    ref = figures.reference
    blocks = {b.code: (b.ja if ja else b.en) for b in figures.by_block}
    return write_csv([
        Section(words["small_bases"].format(day=figures.as_of.isoformat()), _BASE_TOTALS[locale],
                [[figures.registered, figures.national_target, percent(figures.share_of_target), ref.formed,
                  ref.run_by_rmo]]),
        Section(words["by_block"], (*_AREA[locale][1:], *_BASES[locale]),
                [[b.code, b.ja if ja else b.en, b.registered] for b in figures.by_block]),
        Section(words["by_prefecture"], (*_PREFECTURE[locale], *_BASES[locale]),
                [[p.code, p.ja if ja else p.en, blocks[p.block_id], p.registered] for p in figures.by_prefecture]),
        Section(words["reference"], REFERENCE_HEADER[locale],
                [[_BASE_TOTALS[locale][3], ref.formed, ref.survey_ja if ja else ref.survey_en],
                 [_BASE_TOTALS[locale][4], ref.run_by_rmo, ref.survey_ja if ja else ref.survey_en],
                 [_BASE_TOTALS[locale][1], ref.target, ref.target_ja if ja else ref.target_en]]),
    ])
