"""Local governments (都道府県・市区町村) and a gazetteer to look them up.

The gazetteer is built from already-parsed CSV rows so the domain never does
I/O; the caller decides where the data comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from kit.errors import NotFound
from kit.gazetteer import BLOCKS, block_for_prefecture_code
from services.registry.domain.lg_code import CODE_FIELD, normalise_code, validate_code_format
from services.registry.domain.text import nfkc, search_key

LgKind = Literal["prefecture", "municipality"]


@dataclass(frozen=True, slots=True)
class LocalGovernment:
    code: str
    name: str
    kana: str  # full-width katakana
    prefecture: str
    prefecture_code: str  # 2 digits, e.g. "21"
    block: str  # Block.block_id
    kind: LgKind
    lat: float | None
    lng: float | None

    @property
    def full_name(self) -> str:
        """Unambiguous display name: many town names (e.g. 伊達市) repeat across prefectures."""
        return self.name if self.kind == "prefecture" else self.prefecture + self.name


def _coord(raw: str | None) -> float | None:
    return float(raw) if raw and raw.strip() else None


def _from_row(row: Mapping[str, str]) -> LocalGovernment:
    code = normalise_code(row["code"])
    validate_code_format(code)  # bad reference data must fail loudly at startup
    city = (row.get("city") or "").strip()
    pc = code[:2]
    return LocalGovernment(
        code=code,
        name=city or row["prefecture"],
        kana=nfkc((row.get("city_kana") if city else row.get("prefecture_kana")) or ""),
        prefecture=row["prefecture"],
        prefecture_code=pc,
        block=block_for_prefecture_code(int(pc)).block_id,
        kind="municipality" if city else "prefecture",
        lat=_coord(row.get("lat")),
        lng=_coord(row.get("lng")),
    )


class Gazetteer:
    """In-memory index of local governments by code, name and reading."""

    def __init__(self, rows: Iterable[Mapping[str, str]]) -> None:
        by_code: dict[str, LocalGovernment] = {}
        for row in rows:
            lg = _from_row(row)
            if lg.code in by_code:
                raise ValueError(f"duplicate local government code {lg.code}")
            by_code[lg.code] = lg
        self._by_code = dict(sorted(by_code.items()))
        pref_kana = {lg.prefecture_code: lg.kana for lg in self._by_code.values() if lg.kind == "prefecture"}
        # (key, via_prefecture): bare name/kana rank above "岐阜県飛騨市"-style keys.
        self._keys: dict[str, list[tuple[str, bool]]] = {}
        for lg in self._by_code.values():
            keys = [(search_key(lg.name), False), (search_key(lg.kana), False)]
            if lg.kind == "municipality":
                keys.append((search_key(lg.prefecture + lg.name), True))
                keys.append((search_key(pref_kana.get(lg.prefecture_code, "") + lg.kana), True))
            self._keys[lg.code] = [(k, via) for k, via in keys if k]

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[LocalGovernment]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and normalise_code(code) in self._by_code

    def get(self, code: str) -> LocalGovernment | None:
        return self._by_code.get(normalise_code(code))

    def lookup(self, code: str, field: str = CODE_FIELD) -> LocalGovernment:
        """Like get(), but explains why: malformed → 422, well-formed yet unknown → 404."""
        code = normalise_code(code)
        validate_code_format(code, field)
        lg = self._by_code.get(code)
        if lg is None:
            raise NotFound(
                ja=f"地方公共団体コード {code} に該当する団体はありません。",
                en=f"No local government has the code {code}.",
            )
        return lg

    def search(self, q: str, limit: int = 20) -> list[LocalGovernment]:
        """Partial match on name or reading; exact, then prefix, then substring, then code."""
        needle = search_key(q)
        if not needle or limit <= 0:
            return []
        ranked: list[tuple[int, bool, str]] = []
        for code, keys in self._keys.items():
            best: tuple[int, bool] | None = None
            for key, via in keys:
                if needle not in key:
                    continue
                rank = (0 if key == needle else 1 if key.startswith(needle) else 2, via)
                best = rank if best is None else min(best, rank)
            if best is not None:
                ranked.append((*best, code))
        ranked.sort()
        return [self._by_code[code] for *_, code in ranked[:limit]]

    def by_block(self) -> dict[str, int]:
        """Member count per block, in BLOCKS order (zero counts included)."""
        counts = {block.block_id: 0 for block in BLOCKS}
        for lg in self._by_code.values():
            counts[lg.block] += 1
        return counts
