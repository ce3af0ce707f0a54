"""Deterministic demo data for matching, as `make up` seeds it:

- 飛騨市's ヒダスケ!-like 2024 (participation/domain/demo_plan.py): 236 programs, done; 5,806
  participations, each an accepted application its host confirmed; the helpers' profiles, their
  fan-club registrations, and the helpers who became hosts;
- a few of 飛騨市's programs still to come (the next winter's snow, the next 古川祭, ...), published
  and partly taken, so the program list, the map and "for you" show something live;
- the farm-helper season relay (産地間連携): harvests from 和束町's tea in spring through 北海道's
  summer and autumn to 有田川町's mikan in winter, published, in an open relay round whose
  helpers' lists, most of them wanting 北海道 first, show the relay when an operator runs it.

Members: the registry's demo emits no events, so matching writes its own copy's rows for the
municipalities its demo programs belong to. Their ids are derived from the official code
(`kit/demo.py`), as the registry's demo members' are: 飛騨市's demo staff manage these programs.

Built in memory from fixed seeds (ids are UUIDv5 of the demo's names, dates relative to `now` for
what is still to come; only the relay round's own seed is drawn fresh) and bulk-inserted by seed.py
as history, not news: nobody is mailed. The dated facts of 2024's relations are kept beside the rows
(`Demo.facts`, with when each was recorded), so the seed can tell read models each relation's stages.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from kit.demo import demo_member_id
from kit.gazetteer import LocalGovernment, local_government
from kit.jst import JST
from services.matching.helpers.domain.rules import PURPOSE_VERSION
from services.matching.participation.domain.demo_plan import HIDA, KINDS, DemoPerson, DemoPlan, Kind, build_demo_plan
from services.matching.participation.domain.facts import Fact, Participation
from services.matching.rounds.domain.rules import seed_hash

SEED = 2027
DEMO = uuid5(NAMESPACE_URL, "https://kakawari.example.jp/demo/matching")
STAFF = uuid5(DEMO, "staff/212172")  # 飛騨市's staff member who posts the residents' programs
OPERATOR = uuid5(DEMO, "operator")  # who opened the relay round
# Skills each kind of 飛騨市 program asks for: (required, welcome), from the controlled vocabulary.
SKILLS_BY_CATEGORY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "雪かき": (("snow_clearing",), ("elderly_support",)),
    "伝統工芸": (("crafts",), ()),
    "農作業": (("farming",), ("harvest",)),
    "祭り": (("festival",), ("event_staff",)),
    "森林整備": (("forestry",), ("conservation",)),
    "古民家": (("carpentry",), ("elderly_support",)),
    "郷土食": (("cooking",), ("harvest",)),
    "まちづくり": (("conservation",), ("event_staff",)),
    "酒づくり": (("cooking",), ("driving",)),
    "畜産": (("livestock",), ("farming",)),
}
# 飛騨市's kinds of program that come up again in the coming months (a substring of their titles).
UPCOMING = ("雪かき隊", "山中和紙", "寒干し大根", "三寺まいり", "古川祭", "みょうが", "田植え", "酒蔵")
RELAY_HELPERS = 14
TRAVEL_KM = (100, 200, 300, 500, None)  # None: anywhere


@dataclass(frozen=True, slots=True)
class Harvest:
    """A farm's busy season in the relay, within the relay's year (month, day)."""

    code: str
    title: str
    description: str
    host: str
    opens: tuple[int, int]
    closes: tuple[int, int]
    capacity: int
    okaeshi: str
    popularity: float  # how strongly helpers want it (北海道 most)


RELAY = (
    Harvest("263656", "宇治茶の里・和束町で一番茶の茶摘みと製茶",
            "茶畑で一番茶を摘み、製茶工場で蒸しと揉みを手伝います。",
            "和束町の茶農家", (5, 1), (5, 31), 3, "新茶と宿泊", 1.0),
    Harvest("012297", "富良野でメロンと玉ねぎの収穫", "富良野盆地の畑で、夏のメロンと玉ねぎを収穫して出荷します。",
            "富良野の農家", (7, 1), (8, 31), 4, "富良野メロンと宿泊", 3.0),
    Harvest("014591", "美瑛の丘でじゃがいもと小麦の収穫", "丘の畑で、じゃがいも掘りと小麦の収穫を手伝います。",
            "美瑛の農家", (9, 1), (10, 10), 4, "じゃがいもと宿泊", 2.5),
    Harvest("264075", "京丹波で丹波黒豆の枝豆収穫と選別", "秋の丹波黒豆を枝豆で収穫し、選別と袋詰めをします。",
            "京丹波町の黒豆農家", (10, 1), (10, 31), 3, "丹波黒豆と宿泊", 1.5),
    Harvest("205907", "飯綱町でりんごの葉摘みと収穫", "北信濃のりんご畑で、葉摘みから収穫と選果まで手伝います。",
            "飯綱町のりんご農家", (10, 15), (11, 15), 4, "りんごと宿泊", 1.5),
    Harvest("303666", "有田川町で有田みかんの収穫と選果", "段々畑のみかんを摘み取り、選果場で出荷を手伝います。",
            "有田川町のみかん農家", (11, 20), (12, 20), 4, "有田みかんと宿泊", 1.2),
)


@dataclass
class Demo:
    members: list[dict[str, Any]] = field(default_factory=list)
    programs: list[dict[str, Any]] = field(default_factory=list)
    skills: list[dict[str, Any]] = field(default_factory=list)
    helpers: list[dict[str, Any]] = field(default_factory=list)
    favourites: list[dict[str, Any]] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)
    participations: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    round_programs: list[dict[str, Any]] = field(default_factory=list)
    wishes: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[Fact, datetime] = field(default_factory=dict)  # 2024's person facts, and when each was recorded


def member_id(code: str) -> UUID:
    """The demo member of a municipality: the registry's demo gives it the same id (kit/demo.py)."""
    return demo_member_id(code)


def at(day: date, hour: int) -> datetime:
    """The instant of a JST hour on a JST day."""
    return datetime.combine(day, time(hour), tzinfo=JST).astimezone(UTC)


def build_demo(now: datetime) -> Demo:
    rng = random.Random(SEED)
    plan = build_demo_plan()
    demo = Demo()
    today = now.astimezone(JST).date()
    _members(demo, now, [HIDA, *(h.code for h in RELAY)])
    _hida_year(demo, plan, rng)
    _upcoming(demo, plan, rng, now, today)
    _relay(demo, plan, rng, now, relay_year(today))
    return demo


def relay_year(today: date) -> int:
    """The next relay year whose spring (from May) is at least two months away."""
    return today.year + 1 if today.month >= 3 else today.year


def _place(code: str) -> LocalGovernment:
    place = local_government(code)
    assert place is not None and place.is_municipality, code
    return place


def _members(demo: Demo, now: datetime, codes: list[str]) -> None:
    demo.members += [{"id": member_id(code), "name": _place(code).full_name, "kind": "municipality",
                      "status": "active", "updated_at": now} for code in codes]


def _program(demo: Demo, *, program_id: UUID, code: str, title: str, description: str, host_name: str,
             starts_on: date, ends_on: date, capacity: int, okaeshi: str, tags: list[str], required: tuple[str, ...],
             welcome: tuple[str, ...], posted_by: UUID, published_at: datetime, taken: int,
             done: bool = False) -> dict[str, Any]:
    place = _place(code)
    row = {
        "id": program_id, "member_id": member_id(code), "host_name": host_name, "title": title,
        "description": description, "municipality_code": code, "municipality": place.full_name,
        "prefecture_code": place.prefecture_code, "lat": place.lat, "lon": place.lon,
        "schedule": "dates" if starts_on == ends_on else "season", "starts_on": starts_on, "ends_on": ends_on,
        "online": False, "tags": tags, "okaeshi": okaeshi, "capacity": capacity, "reserved": 0, "confirmed": taken,
        "held": 0, "waitlisted": 0, "waitlist_seq": 0, "status": "done" if done else "published",
        "created_by": posted_by, "created_at": published_at - timedelta(days=2),
        "updated_at": at(ends_on, 18) if done else published_at, "published_at": published_at,
        # A day's program stops taking helpers the evening before (or when published, if that is later).
        "closed_at": max(published_at, at(starts_on - timedelta(days=1), 18)) if done else None,
        "done_at": at(ends_on, 18) if done else None,
    }
    demo.programs.append(row)
    demo.skills += [{"program_id": program_id, "skill": s, "required": True} for s in required]
    demo.skills += [{"program_id": program_id, "skill": s, "required": False} for s in welcome if s not in required]
    return row


def _apply(demo: Demo, program: dict[str, Any], helper_id: UUID, applied_at: datetime) -> None:
    demo.applications.append({"id": uuid5(DEMO, f"application/{program['id']}/{helper_id}"),
                              "program_id": program["id"], "helper_id": helper_id, "status": "accepted",
                              "waitlist_ticket": None, "created_at": applied_at, "updated_at": applied_at})


def _hida_year(demo: Demo, plan: DemoPlan, rng: random.Random) -> None:
    """The plan written as rows: each participation an accepted application its host confirmed."""
    names = {p.id: p.name for p in (*plan.hosts, *plan.helpers)}
    helper_hosts = {r.person_id for r in plan.roles}
    visits: dict[str, list[Participation]] = defaultdict(list)
    for v in plan.participations:
        visits[v.person_id].append(v)
    interest = {i.person_id: i for i in plan.interests}
    kinds = {p.id: p.category for p in plan.programs}
    joined = {}
    for n, person in enumerate(plan.helpers):
        own = visits.get(person.id, [])  # a fan who did not come has none
        first = min([v.on for v in own] + ([interest[person.id].on] if person.id in interest else []))
        joined[person.id] = at(first - timedelta(days=rng.randint(1, 20)), 20)
        demo.helpers.append(_helper(rng, n, person, [kinds[v.program_id] for v in own], joined[person.id]))
    taken = Counter(v.program_id for v in plan.participations)
    programs = {}
    for p in plan.programs:
        required, welcome = SKILLS_BY_CATEGORY[p.category]
        programs[p.id] = _program(
            demo, program_id=UUID(p.id), code=p.municipality_code, title=p.title, description=p.description,
            host_name=names[p.host_id], starts_on=p.held_on, ends_on=p.held_on, capacity=p.capacity,
            okaeshi=p.okaeshi, tags=[p.category, p.place], required=required, welcome=welcome,
            posted_by=UUID(p.host_id) if p.host_id in helper_hosts else STAFF, published_at=at(p.published_on, 10),
            taken=taken[p.id], done=True)
    demo.facts |= {i: at(i.on, 12) for i in plan.interests}  # in the plan's order: a day's registration first
    for v in plan.participations:
        program, helper_id = programs[v.program_id], UUID(v.person_id)
        _apply(demo, program, helper_id, max(joined[v.person_id], program["published_at"]) + timedelta(hours=1))
        demo.facts[v] = at(v.on, 18)  # the host confirms the evening of the day
        demo.participations.append({
            "id": uuid5(DEMO, f"participation/{v.program_id}/{v.person_id}"), "helper_id": helper_id,
            "activity_id": program["id"], "program_id": program["id"], "municipality_code": v.municipality_code,
            "day": v.on, "source": v.source.value, "recorded_by": program["created_by"], "created_at": demo.facts[v]})
    demo.facts |= {r: at(r.on, 10) for r in plan.roles}
    demo.favourites += [{"helper_id": UUID(i.person_id), "municipality_code": i.municipality_code,
                         "prefecture_code": i.municipality_code[:2], "registered_at": demo.facts[i]}
                        for i in plan.interests]
    demo.roles += [{"person_id": UUID(r.person_id), "municipality_code": r.municipality_code, "role": r.role.value,
                    "day": r.on, "created_at": demo.facts[r]} for r in plan.roles]


def _helper(rng: random.Random, n: int, person: DemoPerson, categories: list[str], joined: datetime
            ) -> dict[str, Any]:
    """A profile from what the person came to: those kinds' skills and interests; fans get a few drawn."""
    liked = [c for c, _ in Counter(categories).most_common(3)] or rng.sample(sorted(SKILLS_BY_CATEGORY), 2)
    skills = [s for c in liked for s in SKILLS_BY_CATEGORY[c][0] + SKILLS_BY_CATEGORY[c][1][:1]]
    consent = rng.random() < 0.35
    return {
        "id": UUID(person.id), "email": f"hidasuke{n:05d}@example.jp", "name": person.name, "locale": "ja",
        "skills": list(dict.fromkeys(skills)), "interests": liked, "home_prefecture_code": person.home_prefecture,
        "availability": [], "max_travel_km": rng.choice(TRAVEL_KM), "online_ok": rng.random() < 0.3,
        "scout_consent": consent, "scout_consent_at": joined if consent else None, "scout_withdrawn_at": None,
        "purpose_version": PURPOSE_VERSION, "purpose_agreed_at": joined, "erased_at": None, "created_at": joined,
        "updated_at": joined,
    }


def _next_day(kind: Kind, after: date) -> date:
    """The kind's next fixed day after `after`, else the first Saturday of one of its months."""
    if kind.days:
        return min(d.replace(year=y) for d in kind.days for y in (after.year, after.year + 1)
                   if d.replace(year=y) > after)
    day = after + timedelta(days=1)
    while day.weekday() != 5 or day.month not in kind.months:
        day += timedelta(days=1)
    return day


def _upcoming(demo: Demo, plan: DemoPlan, rng: random.Random, now: datetime, today: date) -> None:
    """飛騨市's next programs, two weeks away or more, published lately and partly taken by regulars."""
    regulars = [UUID(p.id) for p in plan.helpers[:200]]  # the plan lists the most frequent helpers first
    booked: dict[date, set[UUID]] = {}  # nobody is at two programs on one day
    for n, kind in enumerate(k for name in UPCOMING for k in KINDS if name in k.title):
        held_on = _next_day(kind, today + timedelta(days=14))
        place = kind.places[n % len(kind.places)]
        required, welcome = SKILLS_BY_CATEGORY[kind.category]
        capacity = rng.randint(*kind.capacity)
        published_at = now - timedelta(days=n + 1, hours=rng.randint(0, 12))
        free = [r for r in regulars if r not in booked.setdefault(held_on, set())]
        coming = rng.sample(free, rng.randint(capacity // 4, capacity // 2))
        booked[held_on].update(coming)
        program = _program(
            demo, program_id=uuid5(DEMO, f"upcoming/{held_on}/{kind.title}"), code=HIDA,
            title=kind.title.format(place=place, year=held_on.year), description=kind.description,
            host_name=plan.hosts[n].name, starts_on=held_on, ends_on=held_on, capacity=capacity,
            okaeshi=kind.okaeshi[0], tags=[kind.category, place], required=required, welcome=welcome,
            posted_by=STAFF, published_at=published_at, taken=len(coming))
        for i, helper_id in enumerate(coming):
            _apply(demo, program, helper_id, published_at + timedelta(hours=i + 1))


def _relay(demo: Demo, plan: DemoPlan, rng: random.Random, now: datetime, year: int) -> None:
    """The relay's programs in an open relay round, with the lists of farm helpers from 飛騨市's
    regulars: three to five harvests each, 北海道 wanted most, so seats run short in the first
    round and later rounds place people in other regions' seasons."""
    published_at, round_id = now - timedelta(days=10), uuid5(DEMO, f"relay/{year}")
    programs = []
    for h in RELAY:
        programs.append(_program(
            demo, program_id=uuid5(DEMO, f"relay/{year}/{h.code}"), code=h.code, title=f"【{year}】{h.title}",
            description=h.description + "産地をまたいで季節ごとに働く、農業の産地間リレーの一つです。",
            host_name=h.host, starts_on=date(year, *h.opens), ends_on=date(year, *h.closes), capacity=h.capacity,
            okaeshi=h.okaeshi, tags=["産地間連携", "農業リレー", "住み込み"], required=("farming", "harvest"),
            welcome=("driving",), posted_by=STAFF, published_at=published_at, taken=0))
    seed = secrets.token_hex(32)  # drawn fresh, as opening a round does: the demo's code must not tell it
    demo.rounds.append({"id": round_id, "title": f"{year}年 農業の産地間リレー（春〜冬）", "mode": "relay",
                        "max_programs": 3, "status": "open", "seed": seed, "seed_hash": seed_hash(seed),
                        "report": None, "created_by": OPERATOR, "created_at": published_at, "run_by": None,
                        "run_at": None})
    demo.round_programs += [{"round_id": round_id, "program_id": p["id"], "method": "score", "ranking": [],
                             "ranked_by": None, "ranked_at": None} for p in programs]
    came = {v.person_id for v in plan.participations}
    by_id = {h["id"]: h for h in demo.helpers}
    farmers = [by_id[UUID(p.id)] for p in plan.helpers if p.id in came and "farming" in by_id[UUID(p.id)]["skills"]]
    for helper in farmers[:RELAY_HELPERS]:
        # Efraimidis–Spirakis: an order drawn with the harvests' popularity as weights.
        order = sorted(zip(RELAY, programs, strict=True), key=lambda pair: rng.random() ** (1 / pair[0].popularity),
                       reverse=True)
        wanted = [str(p["id"]) for _, p in order[:rng.randint(3, 5)]]
        helper.update(max_travel_km=None, scout_consent=True, scout_consent_at=helper["created_at"],
                      availability=[{"starts_on": date(year, 4, 1).isoformat(),
                                     "ends_on": date(year, 12, 31).isoformat()}])
        demo.wishes.append({"round_id": round_id, "helper_id": helper["id"], "program_ids": wanted,
                            "submitted_at": published_at + timedelta(days=1, hours=rng.randint(0, 96))})
