"""法人番号: the leading check digit, normalisation and the error table."""

from __future__ import annotations

import pytest

from kit.errors import ValidationFailed
from services.registry.membership.domain.corporate_number import (
    corporate_check_digit,
    make_corporate_number,
    validate_corporate_number,
)


def is_valid_corporate_number(raw: str) -> bool:
    try:
        validate_corporate_number(raw)
    except ValidationFailed:
        return False
    return True


NTA = "7000012050002"  # 国税庁's own 法人番号 (published), check digit 7


@pytest.mark.parametrize(
    ("base12", "expected"),
    [
        ("000012050002", 7),  # 国税庁
        ("000000000000", 9),  # sum 0 → 9 - 0: the check digit is never 0
        ("000000000001", 8),  # lowest digit has weight 1
        ("000000000010", 7),  # second-lowest has weight 2
        ("000000000009", 9),  # 9 mod 9 = 0
        ("100000000000", 7),  # 12th from the right is even → weight 2
    ],
)
def test_corporate_check_digit(base12: str, expected: int) -> None:
    assert corporate_check_digit(base12) == expected


@pytest.mark.parametrize("bad", ["", "00001205000", "0000120500020", "00001205000a", "０００１２０５０００２"])
def test_corporate_check_digit_needs_12_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        corporate_check_digit(bad)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (NTA, NTA),
        ("7-0000-1205-0002", NTA),
        ("7 0000 1205 0002", NTA),
        ("７００００１２０５０００２", NTA),  # full-width digits
        ("７－００００－１２０５－０００２", NTA),  # full-width hyphens
        ("7‐0000‐1205‐0002", NTA),  # U+2010 hyphen
        (" 7000012050002\t", NTA),
        ("1180301018771", "1180301018771"),  # further published numbers that pass the check
        ("2000012010019", "2000012010019"),
        ("4000012090001", "4000012090001"),
    ],
)
def test_valid(raw: str, normalised: str) -> None:
    assert is_valid_corporate_number(raw)
    assert validate_corporate_number(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "format"),
        ("700001205000", "format"),  # 12 digits
        ("70000120500020", "format"),  # 14 digits
        ("700001205000A", "format"),
        ("T7000012050002", "format"),  # インボイス登録番号 is T + 法人番号, not a 法人番号
        ("7.000012050002", "format"),
        ("6000012050002", "check_digit"),
        ("8000012050002", "check_digit"),
        ("0000012050002", "check_digit"),
        ("7000012050003", "check_digit"),
        ("7000021050002", "check_digit"),  # transposed digits
    ],
)
def test_invalid(raw: str, problem: str) -> None:
    assert not is_valid_corporate_number(raw)
    with pytest.raises(ValidationFailed) as exc:
        validate_corporate_number(raw, field="cn")
    assert exc.value.status == 422
    [p] = exc.value.problems
    assert (p.field, p.code) == ("cn", problem)
    assert p.ja and p.en and p.ja != p.en


def test_make_corporate_number_matches_nta() -> None:
    assert make_corporate_number("000012050002") == NTA


@pytest.mark.parametrize("base12", [f"{n:012d}" for n in (0, 1, 9, 42, 123456789012, 999999999999, 301018771)])
def test_make_corporate_number_round_trips(base12: str) -> None:
    made = make_corporate_number(base12)
    assert len(made) == 13 and made[1:] == base12
    assert is_valid_corporate_number(made)
    # Any other leading digit must fail: exactly one check digit is valid.
    assert [d for d in "0123456789" if is_valid_corporate_number(d + base12)] == [made[0]]


def test_make_corporate_number_rejects_bad_base() -> None:
    with pytest.raises(ValueError):
        make_corporate_number("12345")
