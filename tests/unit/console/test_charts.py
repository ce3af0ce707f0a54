"""The dashboards' charts: SVG that goes inline into a page whose Content-Security-Policy allows no
inline script, so nothing in it runs or is fetched; a font that has kanji; whole-number axes; the
first of a horizontal chart's labels on top (as in its table); the page's "no data" words when there
is nothing to draw; no import hook of pygal's left behind; and the macro that always sets the
numbers in a table beside the chart."""

from __future__ import annotations

import re
import sys
from typing import Any
from xml.etree import ElementTree

from markupsafe import Markup

from kit.web.pages import _env
from services.console import charts
from services.console.charts import Series
from services.console.main import SERVICE  # registers the console's templates

LABELS = ["北海道・東北", "関東", "北陸・東海", "近畿", "中国・四国", "九州・沖縄"]
MEMBERS = Series("会員", [136, 105, 104, 60, 64, 88])


def drawn() -> list[Markup]:
    return [
        charts.bar("block", LABELS, [MEMBERS], no_data="データなし"),
        charts.bar("block-split", LABELS, [MEMBERS, Series("団体", [79, 63, 51, 19, 26, 44])], stacked=True,
                   horizontal=True, no_data="データなし"),
        charts.bar("fill", ["かかわりカフェ 12月"], [Series("充足率", [0.775])], horizontal=True, share=True,
                   no_data="データなし"),
        charts.line("days", [f"11/{d:02d}" for d in range(1, 31)], [Series("申込", list(range(30)))],
                    no_data="データなし"),
        charts.donut("kinds", [("市区町村", 271), ("企業", 102), ("都道府県", 4), ("空", 0)], no_data="データなし"),
    ]


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def test_nothing_runs_and_nothing_is_fetched() -> None:
    for svg in drawn():
        assert svg.startswith("<svg") and "<?xml" not in svg
        assert "<script" not in svg and "<!--" not in svg
        assert re.findall(r"https?://[^\"'\s)]+", svg) == ["http://www.w3.org/2000/svg"]
        assert "@import" not in svg and "url(" not in svg


def test_pygal_leaves_no_import_hook_behind() -> None:
    """Its map plugins' hook lacks `find_spec`, and pytest's importlib mode fails on it."""
    assert not any(type(hook).__name__ == "PluginImportFixer" for hook in sys.meta_path)


def test_the_font_has_kanji_and_each_chart_its_own_id() -> None:
    svg = charts.bar("block", LABELS, [MEMBERS], no_data="データなし")
    assert 'id="chart-block"' in svg and "#chart-block" in svg  # its <style> is scoped to it
    assert '"Noto Sans JP"' in svg and "monospace" not in svg
    assert svg == charts.bar("block", LABELS, [MEMBERS], no_data="データなし")  # the same figures, the same page


def test_axes_count_in_whole_numbers_and_shares_in_percent() -> None:
    block, _, fill, days, _ = drawn()
    assert {"0", "50", "100", "150"} <= set(texts(block))
    assert not any("." in t for t in texts(block) if t[:1].isdigit())
    assert {"0%", "25%", "50%", "75%", "100%"} <= set(texts(fill))
    assert charts._ticks(3) == [0, 1, 2, 3] and charts._ticks(1_000) == [0, 200, 400, 600, 800, 1000]
    assert charts._ticks(7) == [0, 2, 4, 6, 8]


def test_a_horizontal_chart_reads_top_down_like_its_table() -> None:
    split = drawn()[1]
    shown = [t for t in texts(split) if t in LABELS]
    assert shown == list(reversed(LABELS))  # pygal writes them bottom up


def test_long_labels_are_cut_to_fit() -> None:
    long = "関係人口 中国・四国ブロックフォーラム 2026"
    assert charts._shorter(long).endswith("…") and charts._display_width(charts._shorter(long)) <= charts.LABEL_EMS
    assert charts._shorter("関東") == "関東"


def test_nothing_to_draw_says_so() -> None:
    for svg in (charts.bar("empty", [], [], no_data="データなし"),
                charts.bar("zeros", LABELS, [Series("会員", [0] * 6)], no_data="データなし"),
                charts.donut("none", [("市区町村", 0)], no_data="No data")):
        assert any(t in ("データなし", "No data") for t in texts(svg))


def macros(**context: Any) -> Any:
    assert SERVICE.name == "console"
    return _env.get_template("console/macros.html").make_module({"t": lambda ja, en: ja, **context})


def test_every_chart_has_its_numbers_in_a_table_beside_it() -> None:
    svg = charts.bar("block", LABELS, [MEMBERS], no_data="データなし")
    html = str(macros().chart_with_table("ブロック別", svg, ["ブロック", "会員"],
                                         [(label, n) for label, n in zip(LABELS, MEMBERS.values, strict=True)],
                                         id="blocks"))
    assert html.count("<svg") == 1 and 'id="blocks"' in html
    assert '<th scope="row">北海道・東北</th><td class="num">136</td>' in html
    linked = str(macros().chart_with_table("催し", svg, ["催し", "確定"], [(("カフェ", "/forum/ops/events/1"), 1_234)]))
    assert '<a href="/forum/ops/events/1">カフェ</a>' in linked and ">1,234<" in linked
    empty = str(macros().chart_with_table("催し", svg, ["催し", "確定"], [], empty="ありません。"))
    assert "ありません。" in empty
