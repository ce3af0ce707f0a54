"""The programs' figures as a CSV file, in Japanese or English: one section per table (the
console's CSV: UTF-8 with a BOM, CRLF, no formulas). Pure."""

from __future__ import annotations

from services.console.domain.csv import REFERENCE_HEADER, Section, language, write_csv
from services.console.domain.rates import percent
from services.console.programs.domain.figures import Programs

_WORDS: dict[str, dict[str, str]] = {
    "ja": {"totals": "プログラムと参加（{day} 時点）", "funnel": "関係の段階（集める → 深める → つなげる）",
           "by_municipality": "市区町村別", "reference": "参考"},
    "en": {"totals": "Programs and participation (as of {day})", "funnel": "Relations by stage (collect → deepen → "
           "connect)", "by_municipality": "By municipality", "reference": "Reference"},
}
_FIGURES = {"ja": ("プログラム数", "うち募集中", "延べ参加数", "参加者数", "リピーター数", "リピート率"),
            "en": ("Programs", "Of them, open", "Participations", "People", "Repeaters", "Repeat rate")}
_STAGE = {"ja": ("段階", "コード", "この段階の関係数", "この段階以上の関係数"),
          "en": ("Stage", "Code", "Relations at this stage", "Relations at this stage or beyond")}
_MUNICIPALITY = {"ja": ("コード", "市区町村", "よみ"), "en": ("Code", "Municipality", "Reading")}
_STAGES = {"ja": ("集める", "深める", "つなげる"), "en": ("Collect", "Deepen", "Connect")}


def programs_csv(figures: Programs, locale: str = "ja") -> bytes:
    """Totals, the funnel, every municipality (with its stages), and ヒダスケ! for comparison."""
    locale = language(locale)
    words, ja, ref = _WORDS[locale], locale == "ja", figures.reference
    return write_csv([
        Section(words["totals"].format(day=figures.as_of.isoformat()), _FIGURES[locale],
                [[figures.programs, figures.open_programs, figures.participations, figures.people,
                  figures.repeaters, percent(figures.repeat_rate)]]),
        Section(words["funnel"], _STAGE[locale],
                [[step.ja if ja else step.en, step.stage, step.relations, step.reached] for step in figures.funnel]),
        Section(words["by_municipality"], (*_MUNICIPALITY[locale], *_FIGURES[locale], *_STAGES[locale]),
                [[r.code, r.name, r.kana, r.programs, r.open_programs, r.participations, r.people, r.repeaters,
                  percent(r.repeat_rate), r.collect, r.deepen, r.connect] for r in figures.by_municipality]),
        Section(words["reference"], REFERENCE_HEADER[locale],
                [[_FIGURES[locale][0], ref.programs, ref.ja if ja else ref.en],
                 [_FIGURES[locale][2], ref.participations, ref.ja if ja else ref.en]]),
    ])
