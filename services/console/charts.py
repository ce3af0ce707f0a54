"""The dashboards' charts: pygal drawn to SVG that goes inline into the page.

Nothing is fetched and nothing runs: pygal would load its tooltip script from a CDN and write its
configuration in an inline `<script>`, which the pages' Content-Security-Policy refuses, so both
are left out (`js=[]` and a filter dropping every `<script>`), as are its comments (a build date,
links). The numbers are always in a table beside the chart (the `chart_with_table` macro), which
is also what screen readers and the CSV read. Presentation only: the figures come from the slices.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

# pygal puts an import hook for its map plugins (unused here) on sys.meta_path, written to the
# importer protocol Python 3.4 retired (no `find_spec`): importers that ask every hook, as pytest's
# importlib mode does, fail on it. Nothing here needs it, so it goes again.
sys.meta_path[:] = [hook for hook in sys.meta_path if not isinstance(hook, pygal.PluginImportFixer)]

FONT = '"Hiragino Sans","Noto Sans JP","Yu Gothic",system-ui,sans-serif'  # the kit layout's, so kanji render
COLOURS = ("#0b6e4f", "#e07a1f", "#3a6ea5", "#b23a48", "#7a5c99", "#8a9a2b", "#5b6b75", "#c9a227")
STYLE = Style(font_family=FONT, background="transparent", plot_background="#ffffff", foreground="#1d2a33",
              foreground_strong="#1d2a33", foreground_subtle="#5b6b75", colors=COLOURS, label_font_size=12,
              major_label_font_size=12, legend_font_size=13, value_font_size=12, title_font_size=15,
              no_data_font_size=20, opacity=".85", opacity_hover=".95", transition="0ms")
ROW_HEIGHT, DENSE_ROW_HEIGHT = 26, 18  # px per bar of a horizontal bar chart; the second for long lists
LABEL_EMS = 16  # a horizontal bar's label is cut to this width
Number = int | float


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]


def _bare(root: Any) -> Any:
    """pygal's tree without `<script>` elements and comments (an lxml or ElementTree root)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _integer(value: Number | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _percent(value: Number | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _display_width(text: str) -> float:
    """A label's width in ems: kanji and kana are a full em, most else about 0.6 (pygal counts 0.6 for all)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def _shorter(label: str) -> str:
    """A category label cut to LABEL_EMS ems (the table beside the chart has it whole)."""
    if _display_width(label) <= LABEL_EMS:
        return label
    while _display_width(label + "…") > LABEL_EMS:
        label = label[:-1]
    return label + "…"


def _ticks(top: Number) -> list[int]:
    """Whole-number ticks from 0 to `top` or just past it, about five, on a 1-2-5 step."""
    rough = max(float(top), 1.0) / 5
    magnitude = 10 ** math.floor(math.log10(rough))
    step = max(1, int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)))
    return list(range(0, math.ceil(top / step) * step + 1, step))


def _render(kind: Callable[..., Any], key: str, series: Sequence[Series], *, labels: Sequence[str] = (),
            no_data: str, share: bool = False, top: Number | None = None, **config: Any) -> Markup:
    """`series` drawn by pygal's `kind`; nothing but the `no_data` words when every value is 0 or
    missing. Values are counts on whole-number ticks up to `top` (the largest bar or point), or
    `share`s of a whole (0–1) shown as percentages."""
    drawn = [one for one in series if any(one.values)]
    if drawn and top is not None:
        config["y_labels"] = [0, 0.25, 0.5, 0.75, 1.0] if share else _ticks(top)
    config = {"legend_at_bottom": True, "legend_at_bottom_columns": min(len(series), 4) or 1, **config}
    chart = kind(style=STYLE, js=[], disable_xml_declaration=True, show_legend=len(series) > 1, no_data_text=no_data,
                 value_formatter=_percent if share else _integer, print_values=False, truncate_label=-1, margin=8,
                 **config)
    chart.add_xml_filter(_bare)
    chart.uuid = key  # the SVG's id scopes its <style>: stable and unique on the page
    chart.x_labels = list(labels)
    for one in drawn:
        chart.add(one.name, list(one.values))
    return Markup(chart.render(is_unicode=True))


def _top(series: Sequence[Series], *, stacked: bool) -> Number:
    columns = list(zip(*(one.values for one in series), strict=True)) if series else []
    return max((sum(v or 0 for v in column) if stacked else max(v or 0 for v in column) for column in columns),
               default=0)


def bar(key: str, labels: Sequence[str], series: Sequence[Series], *, no_data: str, horizontal: bool = False,
        stacked: bool = False, share: bool = False) -> Markup:
    """Bars per label; horizontal ones for long lists of names, first on top as in the table."""
    kind = {(False, False): pygal.Bar, (True, False): pygal.HorizontalBar, (False, True): pygal.StackedBar,
            (True, True): pygal.HorizontalStackedBar}[(horizontal, stacked)]
    if not horizontal:
        return _render(kind, key, series, labels=labels, no_data=no_data, share=share, height=320,
                       width=720, top=_top(series, stacked=stacked), x_label_rotation=0 if len(labels) <= 8 else 30)
    # pygal draws the first label at the bottom and sizes the label column at 0.6 em a character.
    names = [_shorter(label) for label in reversed(labels)]
    row = ROW_HEIGHT if len(labels) <= 15 else DENSE_ROW_HEIGHT
    extra = max((_display_width(n) - 0.6 * len(n) for n in names), default=0) * STYLE.label_font_size
    return _render(kind, key, [Series(one.name, list(reversed(one.values))) for one in series], labels=names,
                   no_data=no_data, share=share, height=max(220, row * len(labels) + 90), width=720,
                   top=_top(series, stacked=stacked), margin_left=8 + round(extra))


def line(key: str, labels: Sequence[str], series: Sequence[Series], *, no_data: str) -> Markup:
    """Values over time (months, weeks, days), every few labels shown when there are many."""
    every = max(1, len(labels) // 12)
    return _render(pygal.Line, key, series, labels=labels, no_data=no_data, height=300,
                   width=720, top=_top(series, stacked=False), x_label_rotation=30 if len(labels) > 8 else 0,
                   x_labels_major_every=every, show_minor_x_labels=every == 1, dots_size=2, fill=False)


def donut(key: str, parts: Sequence[tuple[str, Number]], *, no_data: str) -> Markup:
    """Shares of a whole (members by kind, deliveries by state)."""
    series = [Series(name, [value]) for name, value in parts if value]
    return _render(pygal.Pie, key, series, no_data=no_data, inner_radius=0.5, height=300, width=560,
                   legend_at_bottom=False)
