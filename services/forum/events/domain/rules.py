"""What an event may be: kinds, blocks, modes and the checks on their times and seats. Pure."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from kit.errors import FieldProblem
from kit.jst import JST


class Kind(StrEnum):
    block_forum = "block_forum"  # in person, by region
    national_forum = "national_forum"  # online, in winter
    cafe = "cafe"  # かかわりカフェ: small, recurring, online


class Mode(StrEnum):
    first_come = "first_come"  # 先着
    lottery = "lottery"  # 抽選
    hybrid = "hybrid"  # the first N seats first come, the rest drawn


class Status(StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"


# The FY2026 block forums of the report; more blocks can be added without a migration.
BLOCKS: dict[str, str] = {"hokkaido_tohoku": "北海道・東北", "hokuriku_tokai": "北陸・東海",
                          "chugoku_shikoku": "中国・四国", "kanto": "関東", "kinki": "近畿",
                          "kyushu_okinawa": "九州・沖縄"}
KIND_LABELS: dict[str, tuple[str, str]] = {"block_forum": ("ブロックフォーラム", "Block forum"),
                                           "national_forum": ("全国フォーラム", "National forum"),
                                           "cafe": ("かかわりカフェ", "Kakawari café")}


def problems(*, kind: str, starts_at: datetime, ends_at: datetime, capacity: int, mode: str,
             first_come_seats: int | None, lottery_closes_at: datetime | None, reserved: int,
             block: str | None, networking: tuple[datetime | None, datetime | None] = (None, None)
             ) -> list[FieldProblem]:
    """Every problem with an event's shape at once, in Japanese and English."""
    found: list[FieldProblem] = []
    if ends_at <= starts_at:
        found.append(FieldProblem("ends_at", "order", "終了は開始より後にしてください。",
                                  "The end must come after the start."))
    if reserved > capacity:
        found.append(FieldProblem("reserved", "too_many", "確保席が定員を超えています。",
                                  "More reserved seats than the capacity."))
    if kind == Kind.block_forum and block is not None and block not in BLOCKS:
        found.append(FieldProblem("block", "unknown", "ブロックが正しくありません。", "Unknown block."))
    if mode in (Mode.lottery, Mode.hybrid):
        if lottery_closes_at is None:
            found.append(FieldProblem("lottery_closes_at", "required", "抽選の締切を指定してください。",
                                      "A lottery needs its closing time."))
        elif lottery_closes_at >= starts_at:
            found.append(FieldProblem("lottery_closes_at", "order", "抽選の締切は開始より前にしてください。",
                                      "The lottery must close before the start."))
    if mode == Mode.hybrid and (first_come_seats is None or not 0 < first_come_seats < capacity):
        found.append(FieldProblem("first_come_seats", "range", "先着枠は1以上、定員未満にしてください。",
                                  "First-come seats must be at least 1 and below the capacity."))
    opens, closes = networking
    if (opens is None) != (closes is None):
        found.append(FieldProblem("networking_ends_at", "pair", "交流時間は開始と終了の両方を指定してください。",
                                  "Networking hours need both a start and an end."))
    elif opens is not None and closes is not None and not starts_at <= opens < closes <= ends_at:
        found.append(FieldProblem("networking_starts_at", "range", "交流時間はイベントの時間内に収めてください。",
                                  "Networking hours must fall within the event."))
    return found


def month_range(month: str) -> tuple[datetime, datetime] | None:
    """The JST month `YYYY-MM` as [start, end); None for anything else (the filter is then ignored)."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = datetime.combine(date(year, mon, 1), time(), tzinfo=JST)
    except ValueError:
        return None
    return start, datetime.combine(date(year + mon // 12, mon % 12 + 1, 1), time(), tzinfo=JST)
