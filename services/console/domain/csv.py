"""The dashboards' CSV exports, as Excel opens them: UTF-8 with a BOM, CRLF line ends, times in
JST, and no text cell Excel would run as a formula. A dashboard is several tables, so a file is
one or more sections (a title line, a header, the rows, a blank line between sections). Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from kit.jst import jst

BOM = "\ufeff"  # Excel opens a UTF-8 CSV as UTF-8 only with it
MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel would run as a formula (CSV injection)
# The header of an export's reference section: where each published figure comes from.
REFERENCE_HEADER = {"ja": ("項目", "値", "出典"), "en": ("Item", "Value", "Source")}
Cell = str | int | float | bool | date | datetime | None


def language(locale: str) -> str:
    """The language an export is written in for `locale`: Japanese for ja, English for any other."""
    return "ja" if locale == "ja" else "en"


def pick(label: tuple[str, str], locale: str) -> str:
    """Of a (ja, en) label, the words in `locale`'s language."""
    return label[0] if language(locale) == "ja" else label[1]


def cell(value: Cell) -> str:
    """One cell as text: times in JST (a format Excel reads as a date and time), dates ISO, booleans
    1/0, nothing empty, and a text that would start a formula behind a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return jst(value, "%Y/%m/%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Section:
    """One table of a dashboard's export: its title (a line of its own, left out when empty), header, rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def write_csv(sections: Iterable[Section]) -> bytes:
    """The sections as one CSV file: UTF-8 with a BOM, CRLF line ends, a blank line between sections."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for n, section in enumerate(sections):
        if n:
            writer.writerow([])
        if section.title:
            writer.writerow([cell(section.title)])
        writer.writerow([cell(h) for h in section.header])
        writer.writerows([cell(value) for value in row] for row in section.rows)
    return (BOM + out.getvalue()).encode("utf-8")


class Dated(Protocol):
    """A dashboard's figures: as of a day."""

    @property
    def as_of(self) -> date: ...


F = TypeVar("F", bound=Dated)


def dated(figures: F, write: Callable[[F, str], bytes], locale: str) -> tuple[date, bytes]:
    """(the day the figures are as of, `write`'s CSV of them in `locale`): a slice's export."""
    return figures.as_of, write(figures, locale)


def filename(dashboard: str, day: date) -> str:
    """`kakawari-<dashboard>-<YYYYMMDD>.csv`: the day the figures are as of."""
    return f"kakawari-{dashboard}-{day:%Y%m%d}.csv"


def attachment(name: str) -> dict[str, str]:
    """The response headers of a download named `name` (never cached: figures move)."""
    return {"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"}
