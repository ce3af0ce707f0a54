"""What the operators' pages show: fill rates, the signup states in words, and the attendee
CSV's columns and cells. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kit.jst import jst
from services.forum.prefectures import BY_CODE

SIGNUP_LABELS: dict[str, tuple[str, str]] = {
    "confirmed": ("参加確定", "Confirmed"),
    "pending_verification": ("メール確認待ち", "Verifying address"),
    "waitlisted": ("キャンセル待ち", "Waitlisted"),
    "offered": ("繰上げ案内中", "Offered a seat"),
    "lottery_entered": ("抽選申込み", "In the lottery"),
    "not_selected": ("落選", "Not selected"),
    "cancelled": ("キャンセル", "Cancelled"),
}

CSV_HEADERS = ("申込ID", "状態", "氏名", "ふりがな", "所属", "都道府県", "メールアドレス", "キャンセル待ち順",
               "受付コード", "受付日時", "申込日時", "キャンセル日時")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel would run as a formula (CSV injection)


def fill_rate(*, confirmed: int, held: int, capacity: int) -> float:
    """Seats taken (confirmed and held) out of the capacity, 0–1 (more only if capacity was lowered)."""
    return (confirmed + held) / capacity if capacity > 0 else 0.0


def prefecture(code: str | None, locale: str = "ja") -> str:
    found = BY_CODE.get(code or "")
    if found is None:
        return ""
    return found.ja if locale == "ja" else found.en


def cell(value: str) -> str:
    """A text cell Excel shows as typed: one that would start a formula gets a leading quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def when(value: datetime | None) -> str:
    return jst(value, "%Y/%m/%d %H:%M:%S")  # a format Excel reads as a date and time


def attendee_row(*, id: str, status: str, name: str, name_kana: str, affiliation: str, prefecture_code: str | None,
                 email: str, waitlist_position: int | None, checkin_code: str, checked_in_at: datetime | None,
                 created_at: datetime, cancelled_at: datetime | None) -> Sequence[str]:
    return (id, SIGNUP_LABELS.get(status, (status, status))[0], cell(name), cell(name_kana), cell(affiliation),
            prefecture(prefecture_code), cell(email), "" if waitlist_position is None else str(waitlist_position),
            checkin_code, when(checked_in_at), when(created_at), when(cancelled_at))
