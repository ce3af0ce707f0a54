"""The gatherings dashboard's CSV (and the console's shared CSV, rate and day helpers it uses):
UTF-8 with a BOM, CRLF, one section per table, labels in the language asked, times in JST, no
cell Excel would run as a formula, and online gatherings said to have no check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.console.domain.as_of import cutoff
from services.console.domain.csv import BOM, Section, attachment, cell, filename, write_csv
from services.console.domain.days import monday, weeks, window
from services.console.domain.rates import percent, rate
from services.console.gatherings.domain.export import export
from services.console.gatherings.domain.figures import figures
from tests.support.console import sections
from tests.unit.console.test_gatherings_figures import D3, FACTS, GATHERINGS


def test_cells_as_excel_reads_them() -> None:
    assert cell(None) == "" and cell(True) == "1" and cell(3) == "3" and cell(-2) == "-2"
    assert cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and cell("@sum") == "'@sum" and cell("-1") == "'-1"
    assert cell(datetime(2026, 10, 7, 15, 30, tzinfo=UTC)) == "2026/10/08 00:30:00"  # JST
    assert cell(date(2026, 10, 7)) == "2026-10-07"


def test_a_file_of_sections() -> None:
    body = write_csv([Section("一", ("a", "b"), [[1, "x,y"]]), Section("", ("c",), [])])
    assert body == (BOM + '一\r\na,b\r\n1,"x,y"\r\n\r\nc\r\n').encode("utf-8")
    assert filename("gatherings", date(2026, 10, 7)) == "kakawari-gatherings-20261007.csv"
    assert attachment("x.csv")["content-disposition"] == 'attachment; filename="x.csv"'


def test_rates_and_days() -> None:
    assert rate(1, 3) == 0.3333 and rate(0, 0) is None and rate(5, 4) == 1.25
    assert percent(0.8125) == "81.2%" and percent(None) == ""
    assert window(date(2026, 10, 7), 3) == [date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)]
    assert monday(date(2026, 10, 11)) == date(2026, 10, 5)
    assert [(w.week, w.starts_on, w.ends_on) for w in weeks(window(date(2026, 10, 13), 10))] == [
        (date(2026, 9, 28), date(2026, 10, 4), date(2026, 10, 4)),
        (date(2026, 10, 5), date(2026, 10, 5), date(2026, 10, 11)),
        (date(2026, 10, 12), date(2026, 10, 12), date(2026, 10, 13))]


def test_the_dashboard_in_japanese() -> None:
    found = figures(gatherings=GATHERINGS, facts=FACTS, as_of=D3, cutoff=cutoff(D3), days=7)
    upcoming, by_kind, per_day, per_week, attendance = sections(export(found, "ja"))
    assert upcoming[0] == ["開催予定（2026-10-07 時点）"]
    assert upcoming[1][-4:] == ["確定", "仮押さえ", "キャンセル待ち", "充足率"]
    assert upcoming[2][:5] == ["かかわりカフェ", "cafe-2", "2026/10/15 19:00:00", "2026/10/15 22:00:00", "会場"]
    assert upcoming[2][-4:] == ["0", "1", "0", "20.0%"]
    assert by_kind[2][:3] == ["かかわりカフェ", "1", "5"]
    assert len(per_day) == 2 + 7 and per_day[-1] == ["2026-10-07", "1"]
    assert per_week[-1] == ["2026-10-05", "2026-10-05", "2026-10-07", "9"]
    rows = {row[0]: row for row in attendance[2:]}
    assert rows["地域ブロック別フォーラム"][-5:] == ["4", "2", "2", "50.0%", ""]
    online = rows["全国フォーラム"]
    assert online[4] == "オンライン" and online[-5:-1] == ["2", "", "", ""] and "受付記録はありません" in online[-1]


def test_the_dashboard_in_english() -> None:
    found = figures(gatherings=GATHERINGS, facts=FACTS, as_of=D3, cutoff=cutoff(D3), days=7)
    upcoming, *_, attendance = sections(export(found, "en"))
    assert upcoming[0] == ["Upcoming gatherings (as of 2026-10-07)"] and upcoming[2][0] == "Kakawari café"
    assert attendance[1][-5:] == ["Confirmed", "Checked in", "No-shows", "Attendance rate", "Note"]
    assert {row[0] for row in attendance[2:]} == {"Regional block forum", "National forum"}
