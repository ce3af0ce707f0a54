"""Which municipality a forum gathering's venue is in, when its text says so unambiguously. Pure.

Forum events carry a free-text venue and no municipality code. A venue naming a municipality with
its prefecture (岐阜県飛騨市…) is that municipality; one naming a municipality alone (飛騨市…) is it
only if no other prefecture has a municipality of that name (府中市, 伊達市 repeat). Anything
else is None: the gathering counts for the network, in no municipality's depth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str  # 飛騨市
    full_name: str  # 岐阜県飛騨市


class VenueMatcher:
    def __init__(self, places: Iterable[Place]) -> None:
        listed = list(places)
        self._by_full_name = {p.full_name: p.code for p in listed}
        by_name: dict[str, set[str]] = defaultdict(set)
        for p in listed:
            by_name[p.name].add(p.code)
        self._unique_names = {name: next(iter(codes)) for name, codes in by_name.items() if len(codes) == 1}

    def municipality_of(self, venue: str | None) -> str | None:
        if not venue:
            return None
        for found in (self._found(self._by_full_name, venue), self._found(self._unique_names, venue)):
            if found:
                return found.pop() if len(found) == 1 else None
        return None

    @staticmethod
    def _found(names: dict[str, str], venue: str) -> set[str]:
        """The codes of the names the venue contains (two different ones: ambiguous)."""
        return {code for name, code in names.items() if name in venue}
