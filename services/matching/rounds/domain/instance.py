"""A round's instance: who ranks whom, parsed once into an immutable, integer-indexed form.

The shape (JSON-like; every list in order of preference):

    {"people":   {person_id: [program_id, ...]},
     "programs": {program_id: {"capacity": int, "preferences": [person_id, ...],
                               "region": str, "starts_on": "YYYY-MM-DD", "ends_on": "YYYY-MM-DD"}},
     "seed": str}

`region`, the dates (both or neither) and `seed` (what the hosts' tie-breaks used) are optional.
A pair is acceptable only if each lists the other. Ids become list indices once, here, so the
algorithms work on ints and tuples; every problem found is reported at once, in Japanese and English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain

import numpy as np
import numpy.typing as npt

from kit.errors import AppError, FieldProblem

UNMATCHED = -1
# A matching: for each person (by index), the index of their program or UNMATCHED.
Matching = tuple[int, ...]

_TOP_KEYS = frozenset({"people", "programs", "seed"})
_PROGRAM_KEYS = frozenset({"capacity", "preferences", "region", "starts_on", "ends_on"})


class InvalidInstance(AppError):
    """The instance cannot be allocated; `problems` names every fault (field, code, ja, en)."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        first = problems[0]
        more_ja = f"(ほか{len(problems) - 1}件)" if len(problems) > 1 else ""
        more_en = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(ja=f"割り当ての入力に誤りがあります: {first.ja}{more_ja}",
                         en=f"Invalid allocation instance: {first.en}{more_en}", problems=problems, status=422)


@dataclass(frozen=True, slots=True)
class Window:
    """A program's dates, both days included."""

    starts_on: date
    ends_on: date

    def overlaps(self, other: Window) -> bool:
        # Sharing a day counts: a helper cannot finish in one region and start in another the same day.
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on


@dataclass(frozen=True, slots=True)
class Instance:
    """People and programs by index. Build with `parse_instance` or `Instance.build`."""

    person_ids: tuple[str, ...]
    program_ids: tuple[str, ...]
    capacities: tuple[int, ...]
    wishes: tuple[tuple[int, ...], ...]
    """Each person's programs, as listed (acceptable or not)."""
    applicants: tuple[tuple[int, ...], ...]
    """Each program's people, as listed (acceptable or not)."""
    regions: tuple[str | None, ...]
    windows: tuple[Window | None, ...]
    seed: str | None
    acceptable: tuple[tuple[int, ...], ...]
    """Per person: the programs with seats that list them back, in the person's order."""
    acceptable_standing: tuple[tuple[int, ...], ...]
    """Parallel to `acceptable`: the person's position in each of those programs' lists."""

    @classmethod
    def build(cls, *, person_ids: Sequence[str], program_ids: Sequence[str], capacities: Sequence[int],
              wishes: Sequence[Sequence[int]], applicants: Sequence[Sequence[int]],
              regions: Sequence[str | None] | None = None, windows: Sequence[Window | None] | None = None,
              seed: str | None = None) -> Instance:
        """From already valid index lists (no duplicates, indices in range, capacities ≥ 0)."""
        seats = tuple(capacities)
        wished = tuple(tuple(w) for w in wishes)
        listed = tuple(tuple(a) for a in applicants)
        acceptable, acceptable_standing = _acceptable(wished, listed, seats)
        return cls(person_ids=tuple(person_ids), program_ids=tuple(program_ids), capacities=seats,
                   wishes=wished, applicants=listed,
                   regions=tuple(regions) if regions is not None else (None,) * len(program_ids),
                   windows=tuple(windows) if windows is not None else (None,) * len(program_ids),
                   seed=seed, acceptable=acceptable, acceptable_standing=acceptable_standing)

    def narrowed(self, *, wishes: Sequence[Sequence[int]], capacities: Sequence[int]) -> Instance:
        """The same people and programs with shorter wish lists or fewer seats (a relay's later round)."""
        wished = tuple(tuple(w) for w in wishes)
        seats = tuple(capacities)
        acceptable, acceptable_standing = _acceptable(wished, self.applicants, seats)
        return replace(self, wishes=wished, capacities=seats, acceptable=acceptable,
                       acceptable_standing=acceptable_standing)

    def named(self, matching: Matching) -> dict[str, str | None]:
        """Every person's id → their program's id, or None."""
        programs = self.program_ids
        return {person: programs[h] if h != UNMATCHED else None
                for person, h in zip(self.person_ids, matching, strict=True)}


def _acceptable(wishes: tuple[tuple[int, ...], ...], applicants: tuple[tuple[int, ...], ...],
                capacities: tuple[int, ...]) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """Each person's wishes that the program lists back and that have seats, with the person's position there.

    The two sides are joined as sorted arrays of pair keys (person · programs + program): one vectorised
    search instead of a dictionary lookup per list entry, which is most of an instance's cost at 100,000 people.
    """
    programs = len(applicants)
    wish_program = _flat(wishes)
    wish_person = np.repeat(np.arange(len(wishes), dtype=np.int64), _lengths(wishes))
    listed_person = _flat(applicants)
    listed_lengths = _lengths(applicants)
    listed_position = np.arange(listed_person.size, dtype=np.int64) - np.repeat(
        np.cumsum(listed_lengths) - listed_lengths, listed_lengths)
    listed_keys = listed_person * programs + np.repeat(np.arange(programs, dtype=np.int64), listed_lengths)
    order = np.argsort(listed_keys)
    listed_keys, listed_position = listed_keys[order], listed_position[order]
    wish_keys = wish_person * programs + wish_program
    found = np.minimum(np.searchsorted(listed_keys, wish_keys), max(listed_keys.size - 1, 0))
    if listed_keys.size:
        kept = (listed_keys[found] == wish_keys) & (np.asarray(capacities, dtype=np.int64)[wish_program] > 0)
    else:
        kept = np.zeros(wish_keys.size, dtype=bool)
    kept_programs: tuple[int, ...] = tuple(wish_program[kept].tolist())  # slices of a tuple are tuples
    kept_positions: tuple[int, ...] = tuple(listed_position[found[kept]].tolist())
    ends: list[int] = np.cumsum(np.bincount(wish_person[kept], minlength=len(wishes))).tolist()
    starts = [0, *ends][:len(ends)]
    acceptable = tuple([wished if end - start == len(wished) else kept_programs[start:end]
                        for wished, start, end in zip(wishes, starts, ends, strict=True)])
    return acceptable, tuple([kept_positions[start:end] for start, end in zip(starts, ends, strict=True)])


def _lengths(lists: tuple[tuple[int, ...], ...]) -> npt.NDArray[np.int64]:
    return np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))


def _flat(lists: tuple[tuple[int, ...], ...]) -> npt.NDArray[np.int64]:
    return np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=sum(map(len, lists)))


# --- parsing --------------------------------------------------------------------------------------


def parse_instance(data: object) -> Instance:
    """Validate a JSON-like instance and index it; raises InvalidInstance naming every problem."""
    problems: list[FieldProblem] = []
    if not isinstance(data, Mapping):
        raise InvalidInstance([_problem("", "type", "全体をオブジェクト({...})にしてください。",
                                        "the instance must be an object ({...}).")])
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(_problem(str(key), "unknown_key", f"不明な項目「{key}」があります。",
                                     f'unknown key "{key}".'))
    people = _object(data, "people", "参加者", problems)
    programs = _object(data, "programs", "プログラム", problems)
    seed = data.get("seed")
    if seed is not None and not isinstance(seed, str):
        problems.append(_problem("seed", "type", "seed は文字列にしてください。", "seed must be a string."))
    if people is None or programs is None:
        raise InvalidInstance(problems)
    person_index = _index(people, "people", problems)
    program_index = _index(programs, "programs", problems)

    capacities: list[int] = []
    applicants: list[tuple[int, ...]] = []
    regions: list[str | None] = []
    windows: list[Window | None] = []
    for program, spec in programs.items():
        field = f"programs.{program}"
        if not isinstance(spec, Mapping):
            problems.append(_problem(field, "type", f"プログラム「{program}」はオブジェクトにしてください。",
                                     f'program "{program}" must be an object.'))
            spec = {}
        for key in spec:
            if key not in _PROGRAM_KEYS:
                problems.append(_problem(f"{field}.{key}", "unknown_key",
                                         f"プログラム「{program}」に不明な項目「{key}」があります。",
                                         f'program "{program}" has an unknown key "{key}".'))
        capacities.append(_capacity(spec, program, field, problems))
        applicants.append(_ranked(spec.get("preferences"), person_index, f"{field}.preferences",
                                  f"プログラム「{program}」", f'program "{program}"', "参加者", "person", problems))
        regions.append(_region(spec, program, field, problems))
        windows.append(_window(spec, program, field, problems))

    wishes = [_ranked(choices, program_index, f"people.{person}", f"参加者「{person}」", f'person "{person}"',
                      "プログラム", "program", problems)
              for person, choices in people.items()]
    if problems:
        raise InvalidInstance(problems)
    return Instance.build(person_ids=list(person_index), program_ids=list(program_index), capacities=capacities,
                          wishes=wishes, applicants=applicants, regions=regions, windows=windows,
                          seed=seed if isinstance(seed, str) else None)


def _problem(field: str, code: str, ja: str, en: str) -> FieldProblem:
    return FieldProblem(field=field, code=code, ja=ja, en=en)


def _object(data: Mapping[object, object], key: str, ja_name: str,
            problems: list[FieldProblem]) -> Mapping[object, object] | None:
    value = data.get(key)
    if value is None:
        problems.append(_problem(key, "required", f"「{key}」({ja_name})がありません。", f'"{key}" is missing.'))
        return None
    if not isinstance(value, Mapping):
        problems.append(_problem(key, "type", f"「{key}」はIDをキーとするオブジェクトにしてください。",
                                 f'"{key}" must be an object keyed by id.'))
        return None
    return value


def _index(objects: Mapping[object, object], field: str, problems: list[FieldProblem]) -> dict[str, int]:
    index: dict[str, int] = {}
    for key in objects:
        if not isinstance(key, str) or not key:
            problems.append(_problem(field, "id_type", f"「{field}」のID {key!r} は空でない文字列にしてください。",
                                     f'"{field}" id {key!r} must be a non-empty string.'))
        else:
            index[key] = len(index)
    return index


def _ranked(value: object, index: Mapping[str, int], field: str, owner_ja: str, owner_en: str,
            kind_ja: str, kind_en: str, problems: list[FieldProblem]) -> tuple[int, ...]:
    """A preference list as indices; on any fault, every faulty entry becomes a problem."""
    if not isinstance(value, list | tuple):
        problems.append(_problem(field, "type", f"{owner_ja}の希望順は{kind_ja}IDの配列にしてください。",
                                 f"{owner_en}'s preferences must be a list of {kind_en} ids."))
        return ()
    try:
        ranked = tuple([index[entry] for entry in value])
    except (KeyError, TypeError):
        ranked = None
    if ranked is not None and len(set(ranked)) == len(ranked):
        return ranked
    seen: set[str] = set()
    for position, entry in enumerate(value):
        at = f"{field}[{position}]"
        if not isinstance(entry, str):
            problems.append(_problem(at, "id_type",
                                     f"{owner_ja}の希望順の {entry!r} は{kind_ja}ID(文字列)ではありません。",
                                     f"{owner_en} lists {entry!r}, which is not a {kind_en} id (a string)."))
            continue
        if entry not in index:
            problems.append(_problem(at, "unknown_id", f"{owner_ja}が挙げた{kind_ja}「{entry}」はありません。",
                                     f'{owner_en} lists unknown {kind_en} "{entry}".'))
        elif entry in seen:
            problems.append(_problem(at, "duplicate", f"{owner_ja}の希望順に「{entry}」が重複しています。",
                                     f'{owner_en} lists "{entry}" more than once.'))
        seen.add(entry)
    return ()


def _capacity(spec: Mapping[object, object], program: object, field: str, problems: list[FieldProblem]) -> int:
    value = spec.get("capacity")
    if value is None:
        problems.append(_problem(f"{field}.capacity", "required",
                                 f"プログラム「{program}」に定員(capacity)がありません。",
                                 f'program "{program}" has no capacity.'))
    elif not isinstance(value, int) or isinstance(value, bool):
        problems.append(_problem(f"{field}.capacity", "type", f"プログラム「{program}」の定員は整数にしてください。",
                                 f'program "{program}" capacity must be an integer.'))
    elif value < 0:
        problems.append(_problem(f"{field}.capacity", "negative_capacity",
                                 f"プログラム「{program}」の定員が負の数です({value})。",
                                 f'program "{program}" has a negative capacity ({value}).'))
    else:
        return value
    return 0


def _region(spec: Mapping[object, object], program: object, field: str, problems: list[FieldProblem]) -> str | None:
    value = spec.get("region")
    if value is None or (isinstance(value, str) and value):
        return value
    problems.append(_problem(f"{field}.region", "type",
                             f"プログラム「{program}」の地域は空でない文字列にしてください。",
                             f'program "{program}" region must be a non-empty string.'))
    return None


def _window(spec: Mapping[object, object], program: object, field: str,
            problems: list[FieldProblem]) -> Window | None:
    raw = {key: spec.get(key) for key in ("starts_on", "ends_on")}
    if all(v is None for v in raw.values()):
        return None
    days: dict[str, date] = {}
    for key, value in raw.items():
        try:
            days[key] = date.fromisoformat(value)  # type: ignore[arg-type]  # anything else fails below
        except (TypeError, ValueError):
            problems.append(_problem(f"{field}.{key}", "date",
                                     f"プログラム「{program}」の {key} は日付(YYYY-MM-DD)にしてください。",
                                     f'program "{program}" {key} must be a date (YYYY-MM-DD).'))
    if len(days) < 2:
        return None
    if days["ends_on"] < days["starts_on"]:
        problems.append(_problem(f"{field}.ends_on", "date_order",
                                 f"プログラム「{program}」の終了日が開始日より前です。",
                                 f'program "{program}" ends before it starts.'))
        return None
    return Window(days["starts_on"], days["ends_on"])
