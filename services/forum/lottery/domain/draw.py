"""The published lottery algorithm. Pure: anyone can re-run it, in any language, on the
published record and get the same result.

The procedure (algorithm `sha256-rank-v1`):

1. Before the lottery closes, a random seed (64 hex characters) is chosen and only its hash,
   SHA-256 of the seed's UTF-8 bytes as lowercase hex, is published.
2. At the draw the seed is revealed with the list of entrants (signup ids, lowercase UUIDs with
   hyphens, in the order they entered).
3. Each entrant's rank key is SHA-256 of the UTF-8 text `seed + ":" + id`, as lowercase hex.
4. Entrants are sorted by rank key, ascending (plain string order; ties, which SHA-256 makes
   practically impossible, fall back to the id). The first `seats` win; the rest go to the
   waitlist in that order.

The result depends only on the seed and the set of ids, not on the list's order, so nobody
gains by entering early or late, and an auditor need not trust how the list was sorted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

ALGORITHM = "sha256-rank-v1"
PROCEDURE_JA = ("シード値のSHA-256（16進小文字）を締切前に公開し、抽選時にシード値を公開します。"
                "各応募者の順位キーは「シード値 + \":\" + 申込ID」のSHA-256（16進小文字）です。"
                "順位キーの昇順に並べ、先頭から空席数までが当選、残りはその順に補欠（キャンセル待ち）になります。"
                "結果は応募者リストの並び順に左右されません。")
PROCEDURE_EN = ("The SHA-256 (lowercase hex) of the seed is published before the lottery closes; the seed "
                "is revealed at the draw. Each entrant's rank key is the SHA-256 (lowercase hex) of "
                "seed + \":\" + signup id. Entrants sorted by rank key ascending: the first as many as there "
                "are free seats win, the rest join the waitlist in that order. The result does not depend on "
                "the order of the entrant list.")


def seed_hash(seed: str) -> str:
    """What is published before the draw: SHA-256 of the seed, lowercase hex."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def rank_key(seed: str, entrant_id: str) -> str:
    return hashlib.sha256(f"{seed}:{entrant_id}".encode()).hexdigest()


def ranked(seed: str, entrant_ids: Iterable[str]) -> list[str]:
    """Every entrant in drawn order. Ids must be distinct: one signup, one ticket."""
    ids = list(entrant_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate entrant ids")
    return sorted(ids, key=lambda entrant: (rank_key(seed, entrant), entrant))


def draw(seed: str, entrant_ids: Iterable[str], seats: int) -> tuple[list[str], list[str]]:
    """(winners, the rest in drawn order) for `seats` free seats."""
    order = ranked(seed, entrant_ids)
    cut = max(0, seats)
    return order[:cut], order[cut:]


def verifies(*, seed: str, committed_hash: str, entrant_ids: Iterable[str], winners: list[str]) -> bool:
    """The audit: the revealed seed matches the hash committed before the draw, and re-running
    the algorithm on the published list gives the published winners."""
    return seed_hash(seed) == committed_hash and ranked(seed, entrant_ids)[:len(winners)] == winners
