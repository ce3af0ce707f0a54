"""Check-in's pure rules: a code however it is typed or scanned, the order of the verdicts
(the wrong event first), attendance and no-shows, and the QR code holding exactly the code."""

from __future__ import annotations

import segno

from services.forum.checkin import qr
from services.forum.checkin.domain.rules import ALPHABET, Attendance, Verdict, code_problems, normalize, verdict
from services.forum.signups.domain.rules import CODE_ALPHABET
from services.forum.signups.service import checkin_code


def test_a_code_is_the_same_however_it_is_typed() -> None:
    assert normalize("ABCD2345") == "ABCD2345"
    assert normalize(" abcd-2345\n") == "ABCD2345"
    assert normalize("ＡＢＣＤ　２３４５") == "ABCD2345"  # full width, from a Japanese IME
    assert normalize("abcd_2345") == "ABCD2345"


def test_only_codes_signups_could_have_issued_pass() -> None:
    assert frozenset(CODE_ALPHABET) == ALPHABET
    assert all(code_problems(checkin_code()) == [] for _ in range(200))
    assert [p.code for p in code_problems("")] == ["required"]
    for bad in ("ABC", "ABCD23456", "ABCD0O1I", "ABCD234!"):
        problems = code_problems(bad)
        assert [(p.field, p.code) for p in problems] == [("code", "format")]
        assert problems[0].ja and problems[0].en


def test_the_wrong_event_is_said_before_anything_else() -> None:
    assert verdict(status="confirmed", same_event=False, checked_in=False) == Verdict.wrong_event
    assert verdict(status="cancelled", same_event=False, checked_in=False) == Verdict.wrong_event
    assert verdict(status="cancelled", same_event=True, checked_in=True) == Verdict.cancelled
    for status in ("waitlisted", "pending_verification", "offered", "lottery_entered", "not_selected"):
        assert verdict(status=status, same_event=True, checked_in=False) == Verdict.not_confirmed
    assert verdict(status="confirmed", same_event=True, checked_in=False) == Verdict.checked_in
    assert verdict(status="confirmed", same_event=True, checked_in=True) == Verdict.already


def test_no_shows_are_known_once_the_event_has_ended() -> None:
    during = Attendance(confirmed=10, checked_in=7, ended=False)
    assert (during.not_checked_in, during.no_show, during.rate) == (3, None, 0.7)
    after = Attendance(confirmed=10, checked_in=7, ended=True)
    assert after.no_show == 3
    assert Attendance(confirmed=0, checked_in=0, ended=True).rate is None


def test_the_qr_code_holds_exactly_the_code_in_alphanumeric_mode() -> None:
    code = checkin_code()
    symbol = segno.make(code, error="m", micro=False)
    assert symbol.mode == "alphanumeric" and symbol.version == 1  # the smallest symbol: quick to scan
    svg = qr.svg(code)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and f"<title>{code}</title>" in svg
    assert qr.data_uri(code).startswith("data:image/svg+xml")
