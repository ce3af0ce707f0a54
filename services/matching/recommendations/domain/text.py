"""Japanese text matching by character n-grams: no tokenizer, no dictionary to keep up to date.

Text is NFKC-normalised and case-folded (so ＩＴ, ｲﾍﾞﾝﾄ and it, イベント meet), cut into runs of
letters, digits, kana and kanji, and each run into its bigrams and trigrams. An interest matches a
program by coverage: the share of the interest's n-grams found in the program's text. Coverage,
not a symmetric similarity, because an interest is a few characters and a program a page.

The indexes keep n-gram sets as integer postings; a single program's text is searched as it is
(`Searchable`), which gives the same answer without building its few hundred n-grams."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_RUN = re.compile(r"[^\W_]+")  # n-grams never cross spaces or punctuation


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def grams(text: str) -> frozenset[str]:
    """The bigrams and trigrams of each run (a run of one character is its own gram). Bigrams of
    hiragana alone are dropped: they are mostly particles and endings (して, での, たい) that
    would make every sentence look alike; hiragana trigrams (まつり) stay."""
    out: set[str] = set()
    for run in _RUN.findall(normalised(text)):
        if len(run) == 1:
            out.add(run)
            continue
        out.update(g for i in range(len(run) - 1)
                   if not (_is_hiragana((g := run[i:i + 2])[0]) and _is_hiragana(g[1])))
        out.update(run[i:i + 3] for i in range(len(run) - 2))
    return frozenset(out)


class Searchable:
    """A text that answers "is this one of your n-grams?" as `grams(text)` would, for n-grams made
    by `grams` (so never a hiragana bigram): one of two or three characters when it is a substring
    of a run (the runs are joined by a line break, which no n-gram has), one of one character only
    when it is a run of its own."""

    __slots__ = ("_runs", "_singles")

    def __init__(self, text: str) -> None:
        runs = _RUN.findall(normalised(text))
        self._runs = "\n".join(runs)
        self._singles = frozenset(r for r in runs if len(r) == 1)

    def has(self, gram: str) -> bool:
        return gram in self._singles if len(gram) == 1 else gram in self._runs


def coverage(query: frozenset[str], text: Searchable) -> float:
    """The share of the query's n-grams (from `grams`) that the text has: 1.0 when all are there."""
    return sum(map(text.has, query)) / len(query) if query else 0.0


def coverages(queries: Iterable[str], text: Searchable) -> list[float]:
    return [coverage(grams(q), text) for q in queries]
