"""What a scanned or typed check-in code means. Pure.

A USB scanner "types" the QR's content and Enter into the focused input, like a keyboard. On a
Japanese desk the IME may turn that into full-width characters, and staff typing by hand mix
cases and add spaces or hyphens to read it in two halves; all of that is the same code.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from kit.errors import FieldProblem
from services.forum.signups.domain.rules import CODE_ALPHABET, CODE_LENGTH

# The same alphabet signups draw codes from: no 0/O or 1/I, so a code read aloud is unambiguous.
ALPHABET = frozenset(CODE_ALPHABET)
IGNORED = frozenset("-_")  # besides any white space: what a person adds to read a code in two halves


class Verdict(StrEnum):
    checked_in = "checked_in"  # checked in now
    already = "already"  # checked in before: the same answer again, nothing changes
    unknown = "unknown"  # no signup has this code
    wrong_event = "wrong_event"  # a signup of another event
    cancelled = "cancelled"
    not_confirmed = "not_confirmed"  # waitlisted, verifying, offered, in the lottery, not selected


ADMITTED = (Verdict.checked_in, Verdict.already)


@dataclass(frozen=True)
class Message:
    ja: str
    en: str


MESSAGES: dict[Verdict, Message] = {
    Verdict.checked_in: Message("受付しました。", "Checked in."),
    Verdict.already: Message("受付済みです（2回目の読み取り）。", "Already checked in (scanned again)."),
    Verdict.unknown: Message("この受付コードの申込みはありません。", "No signup has this check-in code."),
    Verdict.wrong_event: Message("別のイベントの申込みです。", "This signup is for another event."),
    Verdict.cancelled: Message("キャンセルされた申込みです。", "This signup was cancelled."),
    Verdict.not_confirmed: Message("参加が確定していない申込みです。", "This signup is not confirmed."),
}


def normalize(raw: str) -> str:
    """The code as stored: NFKC (full-width to ASCII), upper case, without spacing."""
    return "".join(c for c in unicodedata.normalize("NFKC", raw).upper() if not c.isspace() and c not in IGNORED)


def code_problems(code: str) -> list[FieldProblem]:
    """What is wrong with a normalized code's shape, before any lookup."""
    if not code:
        return [FieldProblem("code", "required", "受付コードを入力してください。", "Enter the check-in code.")]
    if len(code) != CODE_LENGTH or not set(code) <= ALPHABET:
        return [FieldProblem("code", "format", f"受付コードは{CODE_LENGTH}文字の英数字です。",
                             f"A check-in code is {CODE_LENGTH} letters and digits.")]
    return []


def verdict(*, status: str, same_event: bool, checked_in: bool) -> Verdict:
    """The answer for a found signup. The wrong event comes first: a desk must never admit
    someone to the wrong forum, whatever the signup's state there."""
    if not same_event:
        return Verdict.wrong_event
    if status == "cancelled":
        return Verdict.cancelled
    if status != "confirmed":
        return Verdict.not_confirmed
    return Verdict.already if checked_in else Verdict.checked_in


@dataclass(frozen=True)
class Attendance:
    confirmed: int
    checked_in: int
    ended: bool

    @property
    def not_checked_in(self) -> int:
        return self.confirmed - self.checked_in

    @property
    def no_show(self) -> int | None:
        """Confirmed but never checked in, once the event has ended; unknown before."""
        return self.not_checked_in if self.ended else None

    @property
    def rate(self) -> float | None:
        """Checked in out of confirmed, 0–1."""
        return self.checked_in / self.confirmed if self.confirmed else None
