"""The season relay: one person, several programs in turn (産地間連携: 北海道's summer, then 京都's autumn).

The rule: successive rounds of deferred acceptance on the same lists.
- Round 1 is the ordinary stable round.
- Before each later round, every person's list keeps only the programs whose dates overlap none
  of the programs they already hold (sharing a day counts as overlapping), and every program keeps
  only its seats still free. Hosts' lists are unchanged.
- A person wins at most one program per round, so `max_programs` rounds give at most that many each.
- The relay stops after `max_programs` rounds, or sooner when a round places nobody (nothing has
  changed, so later rounds would place nobody either).

Each round is stable within its own instance (its lists and free seats), first choices are
served before anyone's second program, and deferred acceptance's result being unique makes the
relay deterministic. Every program must have dates: overlap cannot be judged without them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import FieldProblem
from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import UNMATCHED, Instance, InvalidInstance, Matching, Window

DEFAULT_MAX_PROGRAMS = 3


@dataclass(frozen=True, slots=True)
class RelayRound:
    instance: Instance
    """The round's own instance: the lists narrowed as the rule says, the seats still free."""
    matching: Matching


@dataclass(frozen=True, slots=True)
class SeasonRelay:
    rounds: tuple[RelayRound, ...]
    held: tuple[tuple[int, ...], ...]
    """Per person: the programs won, in the order of the rounds."""

    def named(self, instance: Instance) -> dict[str, list[str]]:
        """Every person's id → the ids of their programs, in the order won."""
        return {person: [instance.program_ids[h] for h in programs]
                for person, programs in zip(instance.person_ids, self.held, strict=True)}


def season_relay(instance: Instance, *, max_programs: int = DEFAULT_MAX_PROGRAMS) -> SeasonRelay:
    """Allocate by the relay rule (module docstring); raises InvalidInstance if a program has no dates."""
    if max_programs < 1:
        raise ValueError("max_programs must be at least 1")
    windows = _windows(instance)
    held: list[list[int]] = [[] for _ in instance.person_ids]
    free = list(instance.capacities)
    rounds: list[RelayRound] = []
    for _ in range(max_programs):
        wishes = [[h for h in wished if not any(windows[h].overlaps(windows[g]) for g in holding)]
                  for wished, holding in zip(instance.wishes, held, strict=True)]
        narrowed = instance.narrowed(wishes=wishes, capacities=free)
        matching = deferred_acceptance(narrowed)
        if all(h == UNMATCHED for h in matching):
            break
        rounds.append(RelayRound(narrowed, matching))
        for p, h in enumerate(matching):
            if h != UNMATCHED:
                held[p].append(h)
                free[h] -= 1
    return SeasonRelay(rounds=tuple(rounds), held=tuple(tuple(programs) for programs in held))


def _windows(instance: Instance) -> list[Window]:
    undated = [h for h, window in enumerate(instance.windows) if window is None]
    if undated:
        raise InvalidInstance([FieldProblem(
            field=f"programs.{instance.program_ids[h]}", code="dates_required",
            ja=f"リレーではプログラム「{instance.program_ids[h]}」に開始日と終了日(starts_on, ends_on)が必要です。",
            en=f'the relay needs dates (starts_on, ends_on) for program "{instance.program_ids[h]}".')
            for h in undated])
    return [window for window in instance.windows if window is not None]
