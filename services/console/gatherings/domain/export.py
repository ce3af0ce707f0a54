"""The gatherings dashboard as a CSV file, in Japanese or English: one section per table. Pure."""

from __future__ import annotations

from services.console.domain.csv import Cell, Section, language, pick, write_csv
from services.console.domain.rates import percent
from services.console.gatherings.domain.figures import Figures, Gathering
from services.console.gatherings.domain.labels import ONLINE_NO_CHECK_IN, kind_label

_WORDS: dict[str, dict[str, str]] = {
    "ja": {"upcoming": "開催予定（{day} 時点）", "by_kind": "開催予定の種別ごと", "days": "日別の申込数（直近 {n} 日）",
           "weeks": "週別の申込数", "attendance": "終了した開催の出席", "online": "オンライン", "venue": "会場"},
    "en": {"upcoming": "Upcoming gatherings (as of {day})", "by_kind": "Upcoming, by kind",
           "days": "Signups per day (last {n} days)", "weeks": "Signups per week",
           "attendance": "Attendance at ended gatherings",
           "online": "online", "venue": "in person"},
}
_GATHERING = {"ja": ("種別", "名称", "開始", "終了", "形式", "会場", "定員"),
              "en": ("Kind", "Title", "Starts", "Ends", "Format", "Venue", "Capacity")}
_SEATS = {"ja": ("確定", "仮押さえ", "キャンセル待ち", "充足率"),
          "en": ("Confirmed", "Held", "Waitlisted", "Fill rate")}
_KIND = {"ja": ("種別", "件数", "定員"), "en": ("Kind", "Gatherings", "Capacity")}
_DAY = {"ja": ("日付", "申込数"), "en": ("Day", "Signups")}
_WEEK = {"ja": ("週（月曜）", "集計開始日", "集計終了日", "申込数"), "en": ("Week (Monday)", "From", "To", "Signups")}
_ATTENDANCE = {"ja": ("確定", "来場（受付済み）", "欠席", "出席率", "備考"),
               "en": ("Confirmed", "Checked in", "No-shows", "Attendance rate", "Note")}


def _gathering(g: Gathering, locale: str) -> list[Cell]:
    words = _WORDS[locale]
    return [pick(kind_label(g.kind), locale), g.title, g.starts_at, g.ends_at,
            words["online"] if g.online else words["venue"], g.venue, g.capacity]


def export(figures: Figures, locale: str = "ja") -> bytes:
    """UTF-8 with a BOM, CRLF, times in JST; headers and labels in `locale` (ja, else en)."""
    locale = language(locale)
    words = _WORDS[locale]
    note = pick(ONLINE_NO_CHECK_IN, locale)
    return write_csv([
        Section(words["upcoming"].format(day=figures.as_of.isoformat()), (*_GATHERING[locale], *_SEATS[locale]),
                [[*_gathering(s.gathering, locale), s.confirmed, s.held, s.waitlisted, percent(s.fill_rate)]
                 for s in figures.upcoming]),
        Section(words["by_kind"], (*_KIND[locale], *_SEATS[locale]),
                [[pick(kind_label(k.kind), locale), k.gatherings, k.capacity, k.confirmed, k.held, k.waitlisted,
                  percent(k.fill_rate)] for k in figures.by_kind]),
        Section(words["days"].format(n=len(figures.signups_by_day)), _DAY[locale],
                [[d.day, d.signups] for d in figures.signups_by_day]),
        Section(words["weeks"], _WEEK[locale],
                [[w.week.week, w.week.starts_on, w.week.ends_on, w.signups] for w in figures.signups_by_week]),
        Section(words["attendance"], (*_GATHERING[locale], *_ATTENDANCE[locale]),
                [[*_gathering(a.gathering, locale), a.confirmed, a.checked_in, a.no_shows,
                  percent(a.attendance_rate), "" if a.checked_in is not None else note] for a in figures.attendance]),
    ])
