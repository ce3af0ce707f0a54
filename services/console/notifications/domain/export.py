"""The notifications dashboard as a CSV file, in Japanese or English: one section per table. Pure."""

from __future__ import annotations

from services.console.domain.csv import Cell, Section, language, pick, write_csv
from services.console.domain.rates import percent
from services.console.notifications.domain.figures import STATES, Figures, StateCounts
from services.console.notifications.domain.labels import channel_label, state_label

_WORDS: dict[str, dict[str, str]] = {
    "ja": {"states": "配信の状態（{day} 時点）", "channels": "チャネル別", "templates": "テンプレート別",
           "days": "日別（直近 {n} 日）", "failures": "最近の失敗", "suppressed": "配信停止中のアドレス",
           "state": "状態", "deliveries": "件数", "channel": "チャネル", "template": "テンプレート", "total": "合計",
           "failure_rate": "失敗率", "day": "日付", "suppressed_day": "配信停止", "delivery_id": "配信ID",
           "reason": "理由", "at": "日時", "trace_id": "トレースID", "addresses": "アドレス数"},
    "en": {"states": "Deliveries by state (as of {day})", "channels": "By channel", "templates": "By template",
           "days": "Per day (last {n} days)", "failures": "Recent failures", "suppressed": "Suppressed addresses",
           "state": "State", "deliveries": "Deliveries", "channel": "Channel", "template": "Template", "total": "Total",
           "failure_rate": "Failure rate", "day": "Day", "suppressed_day": "Suppressed", "delivery_id": "Delivery ID",
           "reason": "Reason", "at": "At", "trace_id": "Trace ID", "addresses": "Addresses"},
}


def export(figures: Figures, locale: str = "ja") -> bytes:
    """UTF-8 with a BOM, CRLF, times in JST; headers and labels in `locale` (ja, else en)."""
    locale = language(locale)
    w = _WORDS[locale]
    states = [pick(state_label(s), locale) for s in STATES]

    def counts(c: StateCounts) -> list[Cell]:
        return [*(c.of(s) for s in STATES), c.total, percent(c.failure_rate)]

    totals: list[list[Cell]] = [[label, figures.totals.of(s)] for s, label in zip(STATES, states, strict=True)]
    return write_csv([
        Section(w["states"].format(day=figures.as_of.isoformat()), (w["state"], w["deliveries"]),
                [*totals, [w["total"], figures.totals.total],
                 [w["failure_rate"], percent(figures.totals.failure_rate)]]),
        Section(w["channels"], (w["channel"], *states, w["total"], w["failure_rate"]),
                [[pick(channel_label(k), locale), *counts(c)] for k, c in figures.by_channel.items()]),
        Section(w["templates"], (w["template"], *states, w["total"], w["failure_rate"]),
                [[k, *counts(c)] for k, c in figures.by_template.items()]),
        Section(w["days"].format(n=len(figures.per_day)), (w["day"], *states, w["suppressed_day"]),
                [[d.day, d.sent, d.deferred, d.failed, d.bounced, d.suppressed] for d in figures.per_day]),
        Section(w["suppressed"], (w["addresses"],), [[figures.suppressed]]),
        Section(w["failures"], (w["delivery_id"], w["channel"], w["template"], w["state"], w["reason"], w["at"],
                                w["trace_id"]),
                [[str(f.delivery_id), pick(channel_label(f.channel), locale), f.template,
                  pick(state_label(f.state), locale), f.reason, f.at, f.trace_id] for f in figures.recent_failures]),
    ])
