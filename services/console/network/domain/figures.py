"""The network's figures as of a day, counted from each member's status on that day.

- members: memberships approved or active (in good standing); suspended ones are counted apart;
- local governments (prefectures and municipalities) and organisations (every other kind) split
  the members: local_governments + organisations = members;
- pending: applications waiting for review (status submitted); returned: sent back for changes;
- by kind, by block, by prefecture (all 47, zeros included), and members whose home prefecture is
  not known (organisations may not give one);
- the map: members drawn at their municipality's office, or at their prefecture's seat;
- small bases: 小さな拠点 registered on the platform, beside the national target and survey.

Only the caller decides the "as of": the rows it passes are each member's latest status at or
before the cutoff (the repository asks the database for exactly that).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from kit.gazetteer import BLOCKS, LocalGovernment
from services.console.domain.rates import PRECISION
from services.console.network.domain.places import Place, Prefecture, home_prefecture, place_of

COUNTED = frozenset({"approved", "active"})  # a member in good standing
SUSPENDED, PENDING, RETURNED = "suspended", "submitted", "returned"
# The statuses any figure reads; a member standing at another (draft, rejected, withdrawn) counts nowhere.
RELEVANT = COUNTED | {SUSPENDED, PENDING, RETURNED}
LOCAL_GOVERNMENT_KINDS = frozenset({"prefecture", "municipality"})


@dataclass(frozen=True, slots=True)
class Label:
    ja: str
    en: str


# The registry's kinds, in its order; a kind the console does not know yet is shown by its code.
KINDS: dict[str, Label] = {
    "prefecture": Label("都道府県", "Prefecture"),
    "municipality": Label("市区町村", "Municipality"),
    "company": Label("企業", "Company"),
    "npo": Label("NPO・団体", "NPO or association"),
    "intermediary": Label("中間支援組織", "Intermediary support organisation"),
    "rmo": Label("地域運営組織", "Regional management organisation (RMO)"),
    "university": Label("大学・その他", "University or other"),
}


@dataclass(frozen=True, slots=True)
class MemberAsOf:
    """A member, and the status it stood at on the day (its latest dated state by the cutoff)."""

    member_id: UUID
    kind: str
    prefecture_code: str | None
    municipality_code: str | None
    status: str


@dataclass(frozen=True, slots=True)
class Counts:
    members: int  # approved or active
    local_governments: int  # of the members: prefectures and municipalities
    organisations: int  # of the members: every other kind
    suspended: int
    pending: int  # applications submitted, waiting for review
    returned: int  # applications returned for changes


def counts(members: Iterable[MemberAsOf]) -> Counts:
    tally = Counter(("local" if m.kind in LOCAL_GOVERNMENT_KINDS else "other") if m.status in COUNTED else m.status
                    for m in members)
    return Counts(members=tally["local"] + tally["other"], local_governments=tally["local"],
                  organisations=tally["other"], suspended=tally[SUSPENDED], pending=tally[PENDING],
                  returned=tally[RETURNED])


@dataclass(frozen=True, slots=True)
class KindRow(Counts):
    kind: str
    ja: str
    en: str
    local_government: bool


@dataclass(frozen=True, slots=True)
class AreaRow(Counts):
    """A block's or a prefecture's members; `by_kind` counts its members (approved or active) per kind."""

    code: str  # the block's id, or the prefecture's code
    ja: str
    en: str
    block_id: str
    by_kind: dict[str, int]


@dataclass(frozen=True, slots=True)
class MapPoint:
    """Members (approved or active) drawn at one municipality's office."""

    code: str
    name: str
    lat: float
    lon: float
    members: int
    local_governments: int
    organisations: int
    at_seat: int  # of them, drawn here as their prefecture's seat (no municipality of their own)


@dataclass(frozen=True, slots=True)
class MembershipReference:
    """The government report's member count, for comparison."""

    local_governments: int = 275
    organisations: int = 282
    as_of: date = date(2026, 4, 1)
    ja: str = "かかわりラボ会員数（地方公共団体275、民間事業者・中間支援団体282、令和8年4月1日時点）"
    en: str = ("Kakawari Lab members per the government report: 275 local governments, 282 companies and "
               "intermediary organisations, as of 1 April 2026")


@dataclass(frozen=True, slots=True)
class Network(Counts):
    as_of: date
    cutoff: datetime
    by_kind: tuple[KindRow, ...]
    by_block: tuple[AreaRow, ...]
    by_prefecture: tuple[AreaRow, ...]  # all 47, north to south
    no_prefecture: Counts  # members whose home prefecture is not known
    map_points: tuple[MapPoint, ...]  # by code
    unmapped: int  # members (approved or active) with no place to draw them
    reference: MembershipReference


def _area(code: str, ja: str, en: str, block_id: str, members: Sequence[MemberAsOf]) -> AreaRow:
    kinds = Counter(m.kind for m in members if m.status in COUNTED)
    return AreaRow(code=code, ja=ja, en=en, block_id=block_id, by_kind={k: kinds[k] for k in _kinds(kinds)},
                   **_fields(counts(members)))


def _kind(kind: str, members: Sequence[MemberAsOf]) -> KindRow:
    label = KINDS.get(kind, Label(kind, kind))
    return KindRow(kind=kind, ja=label.ja, en=label.en, local_government=kind in LOCAL_GOVERNMENT_KINDS,
                   **_fields(counts(members)))


def _fields(c: Counts) -> dict[str, int]:
    return {"members": c.members, "local_governments": c.local_governments, "organisations": c.organisations,
            "suspended": c.suspended, "pending": c.pending, "returned": c.returned}


def _kinds(seen: Iterable[str]) -> list[str]:
    """The known kinds in order, then any other kind seen, alphabetically."""
    return [*KINDS, *sorted(set(seen) - set(KINDS))]


def network(members: Iterable[MemberAsOf], *, as_of: date, cutoff: datetime, prefectures: Sequence[Prefecture],
            lgs: Mapping[str, LocalGovernment]) -> Network:
    rows = [m for m in members if m.status in RELEVANT]
    by_kind: dict[str, list[MemberAsOf]] = defaultdict(list)
    by_prefecture: dict[str | None, list[MemberAsOf]] = defaultdict(list)
    for m in rows:
        by_kind[m.kind].append(m)
        by_prefecture[home_prefecture(m.prefecture_code, m.municipality_code)].append(m)
    kind_rows = tuple(_kind(k, by_kind[k]) for k in _kinds(by_kind))
    prefecture_rows = tuple(_area(p.code, p.ja, p.en, p.block.block_id, by_prefecture[p.code]) for p in prefectures)
    block_rows = tuple(
        _area(b.block_id, b.name_ja, b.name_en, b.block_id,
              [m for p in prefectures if p.block.block_id == b.block_id for m in by_prefecture[p.code]])
        for b in BLOCKS)
    points, unmapped = _map(rows, lgs)
    return Network(as_of=as_of, cutoff=cutoff, by_kind=kind_rows, by_block=block_rows, by_prefecture=prefecture_rows,
                   no_prefecture=counts(by_prefecture[None]), map_points=points, unmapped=unmapped,
                   reference=MembershipReference(), **_fields(counts(rows)))


def _map(members: Iterable[MemberAsOf], lgs: Mapping[str, LocalGovernment]) -> tuple[tuple[MapPoint, ...], int]:
    """Members in good standing, grouped by the office they are drawn at."""
    drawn: dict[str, list[tuple[MemberAsOf, bool]]] = defaultdict(list)
    places: dict[str, Place] = {}
    unmapped = 0
    for m in members:
        if m.status not in COUNTED:
            continue
        place = place_of(m.prefecture_code, m.municipality_code, lgs=lgs)
        if place is None:
            unmapped += 1
            continue
        places[place.code] = place
        drawn[place.code].append((m, place.at_seat))
    points = []
    for code in sorted(drawn):
        place, here = places[code], drawn[code]
        local = sum(1 for m, _ in here if m.kind in LOCAL_GOVERNMENT_KINDS)
        points.append(MapPoint(code=code, name=place.name, lat=place.lat, lon=place.lon, members=len(here),
                               local_governments=local, organisations=len(here) - local,
                               at_seat=sum(1 for _, at_seat in here if at_seat)))
    return tuple(points), unmapped


# -- 小さな拠点 -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SmallBaseReference:
    """The national figures the platform's count is read against (government report, 2026-06)."""

    formed: int = 1636  # small bases in municipal strategies, FY2025 survey
    run_by_rmo: int = 1386  # of them, run by a regional management organisation
    survey_ja: str = ("内閣府「令和7年度小さな拠点の形成に関する実態調査」（令和7年12月）: "
                      "全国で1,636箇所、うち地域運営組織が運営1,386箇所")
    survey_en: str = ("Cabinet Office survey of small bases, FY2025 (December 2025): 1,636 formed nationwide, "
                      "1,386 of them run by a regional management organisation")
    target: int = 1800
    target_fiscal_year: int = 2027
    target_ja: str = "2027年度までに地域運営組織が運営する小さな拠点を全国で1,800箇所"
    target_en: str = "1,800 small bases run by regional management organisations nationwide by FY2027"


@dataclass(frozen=True, slots=True)
class SmallBaseRow:
    code: str  # the block's id, or the prefecture's code
    ja: str
    en: str
    block_id: str
    registered: int


@dataclass(frozen=True, slots=True)
class SmallBases:
    as_of: date
    cutoff: datetime
    registered: int  # registered on the platform by the cutoff
    national_target: int
    share_of_target: float  # registered / national_target
    reference: SmallBaseReference
    by_block: tuple[SmallBaseRow, ...]
    by_prefecture: tuple[SmallBaseRow, ...]  # all 47


def small_bases(registered: Mapping[str, int], *, as_of: date, cutoff: datetime,
                prefectures: Sequence[Prefecture]) -> SmallBases:
    """`registered`: bases registered by the cutoff, per prefecture code."""
    reference = SmallBaseReference()
    total = sum(registered.values())
    by_prefecture = tuple(SmallBaseRow(code=p.code, ja=p.ja, en=p.en, block_id=p.block.block_id,
                                       registered=registered.get(p.code, 0)) for p in prefectures)
    by_block = tuple(SmallBaseRow(code=b.block_id, ja=b.name_ja, en=b.name_en, block_id=b.block_id,
                                  registered=sum(r.registered for r in by_prefecture if r.block_id == b.block_id))
                     for b in BLOCKS)
    return SmallBases(as_of=as_of, cutoff=cutoff, registered=total, national_target=reference.target,
                      share_of_target=round(total / reference.target, PRECISION), reference=reference,
                      by_block=by_block, by_prefecture=by_prefecture)
