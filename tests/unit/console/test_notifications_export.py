"""The notifications dashboard's CSV: UTF-8 with a BOM, one section per table, labels in the
language asked, times in JST, a failure's reason safe from Excel's formulas."""

from __future__ import annotations

from services.console.domain.as_of import cutoff
from services.console.notifications.domain.export import export
from services.console.notifications.domain.figures import figures
from tests.support.console import sections
from tests.unit.console.test_notifications_figures import D2, FACTS, SUPPRESSED, fact, jst


def test_the_dashboard_in_japanese() -> None:
    facts = [*FACTS, fact(9, "failed", jst(D2, 1), reason="=cmd|' /C calc'!A0")]
    found = figures(facts=facts, suppressions=SUPPRESSED, as_of=D2, cutoff=cutoff(D2), days=3)
    states, channels, templates, per_day, suppressed, failures = sections(export(found, "ja"))
    assert states[0] == ["配信の状態（2026-11-03 時点）"]
    assert states[2:] == [["送信済み", "2"], ["保留中", "0"], ["送信失敗", "2"], ["不達（バウンス）", "1"],
                          ["合計", "5"], ["失敗率", "60.0%"]]
    assert channels[2] == ["メール", "2", "0", "2", "1", "5", "60.0%"]
    assert [row[0] for row in templates[2:]] == ["reminder", "signup_confirmed"]
    assert per_day[-1] == ["2026-11-03", "1", "0", "2", "1", "1"]
    assert suppressed[2] == ["1"]
    assert failures[1] == ["配信ID", "チャネル", "テンプレート", "状態", "理由", "日時", "トレースID"]
    assert failures[2][3:] == ["不達（バウンス）", "hard bounce", "2026/11/03 23:59:00", f"{4:032x}"]
    assert failures[-1][4] == "'=cmd|' /C calc'!A0"


def test_the_dashboard_in_english() -> None:
    found = figures(facts=FACTS, suppressions=SUPPRESSED, as_of=D2, cutoff=cutoff(D2), days=3)
    states, channels, *_ = sections(export(found, "en"))
    assert states[0] == ["Deliveries by state (as of 2026-11-03)"] and states[2] == ["Sent", "2"]
    assert channels[2][0] == "Email"
