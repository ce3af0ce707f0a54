"""法人番号 (corporate number): 13 digits whose FIRST digit is the check digit.

Rule (国税庁, 法人番号の指定等に関する省令): with P_n the n-th digit of the
12-digit base counted from the right and Q_n = 1 for odd n, 2 for even n,
check = 9 - (Σ P_n·Q_n mod 9). The check digit is therefore 1..9, never 0.
"""

from __future__ import annotations

import re

from kit.errors import FieldProblem, ValidationFailed
from services.registry.domain.text import nfkc

FIELD = "corporate_number"
# Hyphens, dashes and the katakana long mark that people type as separators.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ｰー]")
_THIRTEEN = re.compile(r"[0-9]{13}")
_TWELVE = re.compile(r"[0-9]{12}")


def corporate_check_digit(base12: str) -> int:
    if not _TWELVE.fullmatch(base12):
        raise ValueError(f"expected 12 ASCII digits, got {base12!r}")
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def normalise_corporate_number(raw: str) -> str:
    """Fold full-width digits and drop separators (e.g. "7-0000-1205-0002")."""
    return _SEPARATORS.sub("", nfkc(raw))


def validate_corporate_number(raw: str, field: str = FIELD) -> str:
    """Return the normalised 13-digit number or raise ValidationFailed."""
    s = normalise_corporate_number(raw)
    if not _THIRTEEN.fullmatch(s):
        raise ValidationFailed([
            FieldProblem(
                field,
                "format",
                ja="法人番号は13桁の数字で入力してください。",
                en="Enter the corporate number as 13 digits.",
            )
        ])
    if int(s[0]) != corporate_check_digit(s[1:]):
        raise ValidationFailed([
            FieldProblem(
                field,
                "check_digit",
                ja="法人番号の検査用数字（先頭の1桁）が正しくありません。",
                en="The check digit (first digit) of the corporate number is wrong.",
            )
        ])
    return s


def make_corporate_number(base12: str) -> str:
    """Prefix the check digit; used to fabricate valid numbers for demo data."""
    return f"{corporate_check_digit(base12)}{base12}"
