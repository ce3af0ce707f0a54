"""What a round is and how it moves (open → done), the checks on people's and hosts' rankings,
and the seed's published hash. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from enum import StrEnum

from kit.errors import Conflict, FieldProblem

MAX_PROGRAMS_PER_ROUND = 200
MAX_RELAY_PROGRAMS = 5  # a person is placed in at most this many programs by one relay


class RoundStatus(StrEnum):
    open = "open"  # taking people's and hosts' rankings; only the seed's hash is shown
    done = "done"  # run: the assignment, the report and the seed are final


class RoundMode(StrEnum):
    stable = "stable"  # person-proposing deferred acceptance: no blocking pairs
    max_fill = "max_fill"  # as many placed as possible (OR-Tools); reports the blocking pairs it creates
    relay = "relay"  # the season relay: several programs per person, never on overlapping dates


class RankingMethod(StrEnum):
    score = "score"  # by the transparent score (./scores.py), ties by the round's seed
    manual = "manual"  # the host's own order


def seed_hash(seed: str) -> str:
    """What is published when the round opens: SHA-256 of the seed's UTF-8 bytes, lowercase hex."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def still_open(status: str) -> None:
    if status != RoundStatus.open:
        raise Conflict(ja="この割り当てラウンドは実行済みのため、希望順位は変更できません。",
                       en="This round has been run; rankings can no longer change.", round_status=status)


def list_problems(field: str, chosen: Sequence[str], allowed: Collection[str], *, what_ja: str,
                  what_en: str) -> list[FieldProblem]:
    """A ranking names each entry once, and only entries of `allowed` (the round's programs, or the
    people who listed the host's program)."""
    found: list[FieldProblem] = []
    seen: set[str] = set()
    for position, entry in enumerate(chosen):
        at = f"{field}[{position}]"
        if entry in seen:
            found.append(FieldProblem(at, "duplicate", f"{what_ja}「{entry}」が重複しています。",
                                      f'{what_en} "{entry}" is listed twice.'))
        elif entry not in allowed:
            found.append(FieldProblem(at, "unknown", f"{what_ja}「{entry}」はこのラウンドの対象ではありません。",
                                      f'{what_en} "{entry}" is not part of this round.'))
        seen.add(entry)
    return found


def max_programs_problem(mode: RoundMode, max_programs: int) -> list[FieldProblem]:
    """Only the relay places a person in more than one program."""
    if mode != RoundMode.relay and max_programs != 1:
        return [FieldProblem("max_programs", "relay_only", "複数のプログラムへの割り当てはリレー方式のみです。",
                             "Only the relay places a person in more than one program.")]
    return []
