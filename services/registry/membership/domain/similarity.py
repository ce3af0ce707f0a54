"""Near-duplicate organisation names, to warn before a second registration.

"株式会社ひだまり", "(株)ひだまり" and "ヒダマリ" are the same organisation to a
human, so names are compared after stripping legal-form words, punctuation,
case and the hiragana/katakana distinction.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from services.registry.domain.text import hiragana_to_katakana, nfkc

# Written after NFKC + lowercase (㈱ → (株), ＮＰＯ → npo). Longest first so
# "認定特定非営利活動法人" is removed whole rather than leaving "認定".
_LEGAL_FORMS = sorted(
    [
        "株式会社", "有限会社", "合同会社", "合名会社", "合資会社",
        "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人",
        "特定非営利活動法人", "認定特定非営利活動法人", "npo法人", "認定npo法人",
        "社会福祉法人", "学校法人", "医療法人", "社団法人", "財団法人",
        "国立大学法人", "公立大学法人", "独立行政法人", "地方独立行政法人",
        "(株)", "(有)", "(同)", "(名)", "(資)", "(一社)", "(一財)", "(公社)", "(公財)",
        "(特非)", "(社)", "(財)", "(福)", "(学)", "(医)",
    ],
    key=len,
    reverse=True,
)


def _is_noise(ch: str) -> bool:
    # P* punctuation, S* symbols, Z* separators, plus control/format characters.
    return unicodedata.category(ch)[0] in "PSZC"


def normalise_org_name(name: str) -> str:
    text = nfkc(name).lower()
    text = "".join(text.split())  # before matching "(株)" so "( 株 )" is caught too
    for word in _LEGAL_FORMS:
        text = text.replace(word, "")
    return hiragana_to_katakana("".join(ch for ch in text if not _is_noise(ch)))


def similarity(a: str, b: str) -> float:
    """difflib ratio of the normalised names; 0.0 when either has nothing left."""
    na, nb = normalise_org_name(a), normalise_org_name(b)
    if not na or not nb:
        return 0.0
    return difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()


def near_duplicates(
    name: str, existing: Iterable[tuple[str, str]], threshold: float = 0.85
) -> list[tuple[str, float]]:
    """(id, score) of existing (id, name) pairs at or above threshold, best first."""
    needle = normalise_org_name(name)
    if not needle:
        return []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(needle)  # seq2 is the side difflib caches, so reuse it
    hits: list[tuple[str, float]] = []
    for org_id, other in existing:
        candidate = normalise_org_name(other)
        if not candidate:
            continue
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score >= threshold:
            hits.append((org_id, score))
    hits.sort(key=lambda hit: (-hit[1], hit[0]))
    return hits
