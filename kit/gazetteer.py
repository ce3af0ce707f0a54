"""The official list of local governments (全国地方公共団体コード with coordinates) and the
regional blocks they fall in, shared reference data: the registry looks members up in it,
matching places programs with it, the console labels its figures by block. Read once.

It is kit data rather than one service's because a service never imports another; each
service builds its own view (the registry's `Gazetteer` search index) from these rows.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

CSV_PATH = Path(__file__).parent / "data" / "municipalities.csv"


class Block(NamedTuple):
    """A regional block; `prefecture_codes` is the range of 2-digit prefecture codes."""

    block_id: str
    name_ja: str
    name_en: str
    prefecture_codes: range


# Ordered north to south; the ranges tile 1..47 with no gaps.
BLOCKS: list[Block] = [
    Block("hokkaido_tohoku", "北海道・東北", "Hokkaido & Tohoku", range(1, 8)),
    Block("kanto", "関東", "Kanto", range(8, 15)),
    Block("hokuriku_tokai", "北陸・東海", "Hokuriku & Tokai", range(15, 25)),
    Block("kinki", "近畿", "Kinki", range(25, 31)),
    Block("chugoku_shikoku", "中国・四国", "Chugoku & Shikoku", range(31, 40)),
    Block("kyushu_okinawa", "九州・沖縄", "Kyushu & Okinawa", range(40, 48)),
]


def block_for_prefecture_code(pc: int) -> Block:
    for block in BLOCKS:
        if pc in block.prefecture_codes:
            return block
    raise ValueError(f"prefecture code out of range 1..47: {pc}")


@dataclass(frozen=True, slots=True)
class LocalGovernment:
    """One row of the list: a prefecture (no city) or a municipality."""

    code: str  # 6 digits with the check digit, e.g. "212172" (岐阜県飛騨市)
    prefecture: str
    city: str  # "" for a prefecture
    prefecture_kana: str  # full-width katakana (the file has half-width)
    city_kana: str
    lat: float | None  # the office's position; None for prefectures
    lon: float | None

    @property
    def prefecture_code(self) -> str:
        return self.code[:2]

    @property
    def is_municipality(self) -> bool:
        return bool(self.city)

    @property
    def name(self) -> str:
        return self.city or self.prefecture

    @property
    def full_name(self) -> str:
        """Unambiguous: many town names (伊達市, 府中町) repeat across prefectures."""
        return self.prefecture + self.city


@lru_cache(maxsize=1)
def rows() -> tuple[dict[str, str], ...]:
    """The file's rows as read (code, prefecture, city, prefecture_kana, city_kana, lat, lng)."""
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@lru_cache(maxsize=1)
def local_governments() -> dict[str, LocalGovernment]:
    """Every prefecture and municipality by its code."""
    return {row["code"]: _parsed(row) for row in rows()}


def local_government(code: str) -> LocalGovernment | None:
    return local_governments().get(code.strip())


def _parsed(row: dict[str, str]) -> LocalGovernment:
    return LocalGovernment(code=row["code"], prefecture=row["prefecture"], city=row["city"],
                           prefecture_kana=_kana(row["prefecture_kana"]), city_kana=_kana(row["city_kana"]),
                           lat=_coordinate(row["lat"]), lon=_coordinate(row["lng"]))


def _kana(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _coordinate(raw: str) -> float | None:
    return float(raw) if raw.strip() else None
