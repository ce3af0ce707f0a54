"""Text normalisation shared by search and duplicate detection.

Japanese input arrives in many shapes (half-width kana, full-width digits,
hiragana vs katakana, stray spaces); comparing after one canonical form
keeps every matcher consistent.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

# Hiragana ぁ..ゖ and the iteration marks ゝゞ map onto katakana at a fixed offset.
_HIRA_TO_KATA = str.maketrans(
    {chr(cp): chr(cp + 0x60) for cp in [*range(0x3041, 0x3097), 0x309D, 0x309E]}
)


class Label(NamedTuple):
    """A user-facing text in both languages the platform supports."""

    ja: str
    en: str


def nfkc(text: str) -> str:
    """NFKC folds full-width ASCII and half-width katakana (ﾋﾀﾞ → ヒダ)."""
    return unicodedata.normalize("NFKC", text)


def hiragana_to_katakana(text: str) -> str:
    return text.translate(_HIRA_TO_KATA)


def search_key(text: str) -> str:
    """Canonical form for matching: NFKC, katakana only, no whitespace."""
    return "".join(hiragana_to_katakana(nfkc(text)).split())
