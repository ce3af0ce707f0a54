"""全国地方公共団体コード (6 digits incl. check digit). The regional blocks are the kit's (`kit.gazetteer`)."""

from __future__ import annotations

from kit.errors import FieldProblem, ValidationFailed
from services.registry.domain.text import nfkc

CODE_FIELD = "local_government_code"
_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first5: str) -> int:
    """Sixth digit of a 地方公共団体コード, per the 総務省 definition (modulus 11)."""
    if len(first5) != 5 or not first5.isascii() or not first5.isdigit():
        raise ValueError(f"expected 5 ASCII digits, got {first5!r}")
    total = sum(int(d) * w for d, w in zip(first5, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def normalise_code(raw: str) -> str:
    """Users paste codes from PDFs and IMEs, so fold full-width digits and trim."""
    return nfkc(raw).strip()


def validate_code_format(code: str, field: str = CODE_FIELD) -> None:
    """Raise ValidationFailed unless `code` is 6 digits with a correct check digit."""
    code = normalise_code(code)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ValidationFailed([
            FieldProblem(
                field,
                "format",
                ja="地方公共団体コードは6桁の半角数字で入力してください。",
                en="Enter the local government code as 6 digits.",
            )
        ])
    if check_digit(code[:5]) != int(code[5]):
        raise ValidationFailed([
            FieldProblem(
                field,
                "check_digit",
                ja="地方公共団体コードの検査数字（6桁目）が正しくありません。",
                en="The check digit (6th digit) of the local government code is wrong.",
            )
        ])
