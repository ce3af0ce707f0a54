"""A ヒダスケ!-like year for 飛騨市, for the demo: 236 programs and 5,806 participations in 2024.

The report's figures for Hida city's scheme: 236 programs (FY2024) and 5,806 participations (延べ;
the report's is the running total to 2025-11, which the issue asks the demo year to hold).
Residents with a trouble (ヌシ) post programs through the year, following the region's seasons:
snow clearing and washi bark in winter, the 古川祭 in April, planting and harvests, forest work,
old houses. Helpers (ヒダスケさん) are thanked in kind (オカエシ). Most helpers come once, a
smaller group comes back within one season, a core comes back across the seasons, and a few of
them go on to host programs of their own. Fan club members who did not come in 2024 are there
too, at the first stage.

Pure and deterministic: the same seed gives the same plan (Faker is seeded as well). It returns
plain dataclasses and the matching facts; writing them to a database is someone else's job.
"""

from __future__ import annotations

import calendar
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from uuid import NAMESPACE_URL, uuid5

from faker import Faker

from services.matching.participation.domain.facts import (
    Fact,
    Interest,
    InterestKind,
    Participation,
    ProgramPublished,
    Role,
    RoleTaken,
    Source,
)
from services.matching.participation.domain.stages import Season, season_of

HIDA = "212172"  # 岐阜県飛騨市, 全国地方公共団体コード with its check digit
YEAR = 2024
PROGRAMS = 236
PARTICIPATIONS = 5_806
SEED = 2024
FANS_ONLY = 1_200  # fan club members and favourites who took part in nothing in 2024
HELPER_HOSTS = 6  # helpers who went on to host a program of their own
NAMESPACE = uuid5(NAMESPACE_URL, "https://kakawari.example.jp/demo/hidasuke")

# How often helpers come in the year, (share, fewest, most): most come once, a core many times.
VISITS = ((0.62, 1, 1), (0.25, 2, 4), (0.10, 5, 12), (0.03, 13, 40))
CORE = 13  # from this many visits on, a helper comes whenever there is work, in every season
ONE_SEASON = 0.5  # of the other helpers who come back, the share who keep to one season (a winter of snow)
REGISTERED, FAVOURITE = 0.4, 0.1  # of helpers, the shares who registered or favourited before coming
FANS_REGISTERED = 0.75  # of the fans who did not come, the share in the fan club (the others favourited)
# Where helpers live, by prefecture code: 岐阜 itself, then the cities within reach.
HOMES = {"21": 30, "23": 22, "13": 10, "16": 8, "27": 7, "14": 5, "17": 4, "20": 4, "26": 3, "24": 3, "22": 2,
         "11": 2}
DISTRICTS = ("古川町", "河合町", "宮川町", "神岡町")
ALL_YEAR = tuple(range(1, 13))


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of program and how often it runs in the year."""

    category: str
    title: str  # "{place}" becomes the district
    description: str
    count: int
    months: tuple[int, ...]
    capacity: tuple[int, int]
    okaeshi: tuple[str, ...]
    places: tuple[str, ...] = DISTRICTS
    days: tuple[date, ...] = ()  # fixed days (festivals) instead of a weekend in `months`


KINDS = (
    Kind("雪かき", "【{place}】雪かき隊、出動！ 高齢者宅の雪下ろしと除雪",
         "屋根の雪下ろしと玄関先の除雪で、雪国の暮らしを支えます。スコップは貸し出します。",
         20, (1, 2, 12), (20, 50), ("温泉券", "地酒", "あったか豚汁")),
    Kind("伝統工芸", "800年続く伝統工芸「山中和紙」の冬仕事 楮（こうぞ）の皮はぎ体験！",
         "雪にさらした楮の皮をはぎ、和紙の原料をつくります。",
         10, (1, 2), (15, 30), ("手すき和紙のはがき", "和紙の名刺"), places=("河合町",)),
    Kind("農作業", "山之村の寒干し大根づくり",
         "標高1,000mの山之村で、厳冬期にしか作れない寒干し大根を仕込みます。",
         6, (1, 2), (15, 30), ("寒干し大根", "温泉券"), places=("神岡町",)),
    Kind("祭り", "三寺まいりの巨大ろうそくと雪像づくり",
         "1月15日の三寺まいりに向けて、瀬戸川沿いの雪像とろうそくを準備します。",
         2, (1,), (40, 70), ("和ろうそく", "地酒"), places=("古川町",),
         days=(date(YEAR, 1, 13), date(YEAR, 1, 14))),
    Kind("祭り", "飛騨の三大祭『古川祭 屋台曳き』に参加してみよう！",
         "ユネスコ無形文化遺産の古川祭で屋台を曳き、町を練り歩きます。",
         2, (4,), (180, 220), ("祭りの手ぬぐい", "地酒"), places=("古川町",),
         days=(date(YEAR, 4, 19), date(YEAR, 4, 20))),
    Kind("農作業", "『myみょうが畑プロジェクト{year}』 みょうが畑づくり体験",
         "春に株を植え、夏から秋に収穫します。自分の畝を持って通う人も。",
         16, (4, 5, 7, 8, 9), (20, 50), ("みょうが", "夏野菜")),
    Kind("農作業", "【{place}】昔ながらの手植えで田植え",
         "苗を一株ずつ手で植えます。泥んこ覚悟でどうぞ。",
         12, (5, 6), (25, 55), ("新米", "おにぎり弁当")),
    Kind("農作業", "【{place}】稲刈りとはざ掛け",
         "鎌で刈った稲をはざに掛けて天日で干します。",
         12, (9, 10), (25, 55), ("新米", "地酒")),
    Kind("農作業", "種蔵の石積み棚田で草刈り",
         "山あいの集落に残る石積みの棚田と板倉を守る草刈りです。",
         10, (6, 7, 8, 9), (20, 40), ("棚田米", "温泉券"), places=("宮川町",)),
    Kind("森林整備", "【{place}】広葉樹の森を育てる間伐と遊歩道づくり",
         "広葉樹のまち飛騨の森で、間伐と歩道の整備をします。",
         14, (3, 4, 5, 6, 9, 10, 11), (20, 50), ("薪", "木工品", "温泉券")),
    Kind("森林整備", "【{place}】冬に備えて薪割り・薪積み",
         "一冬分の薪を割って軒下に積み上げます。",
         10, (10, 11, 12), (15, 30), ("薪", "温泉券")),
    Kind("古民家", "【{place}】古民家の蔵出しと片付け",
         "空き家になった古民家の蔵を開け、道具を運び出して掃除します。",
         14, ALL_YEAR, (15, 35), ("地酒", "野菜", "お昼ごはん")),
    Kind("古民家", "【{place}】古民家の土壁塗りと障子張り",
         "職人さんに教わりながら、古民家を手直しします。",
         8, tuple(range(3, 12)), (15, 30), ("地酒", "温泉券")),
    Kind("農作業", "【{place}】夏野菜の収穫と出荷作業",
         "トマトやナスを収穫し、袋詰めして出荷します。",
         14, (6, 7, 8, 9), (20, 45), ("野菜", "トマトジュース")),
    Kind("郷土食", "朴葉寿司のための朴葉採り",
         "初夏の朴葉を採って、郷土料理の朴葉寿司を一緒に作ります。",
         6, (6, 7), (15, 30), ("朴葉寿司",)),
    Kind("まちづくり", "瀬戸川の鯉の引っ越しと川掃除",
         "白壁土蔵街を流れる瀬戸川の鯉を池へ移し、川底を掃除します。",
         4, (4, 11), (30, 50), ("飛騨牛コロッケ", "温泉券"), places=("古川町",)),
    Kind("農作業", "【{place}】春の用水路の泥上げ",
         "田んぼに水を引く前に、用水路にたまった泥を上げます。",
         6, (3, 4, 5), (20, 40), ("お昼ごはん", "野菜")),
    Kind("酒づくり", "古川町の酒蔵で地酒の仕込みをお手伝い",
         "寒造りの季節、米洗いや瓶詰めを手伝います。",
         8, (1, 2, 11, 12), (10, 20), ("地酒", "酒粕"), places=("古川町",)),
    Kind("祭り", "【{place}】夏祭りの準備と屋台の手伝い",
         "やぐら組みから屋台の売り子まで、夏祭りを一緒につくります。",
         8, (7, 8), (30, 60), ("地酒", "飛騨牛コロッケ")),
    Kind("農作業", "【{place}】ブルーベリーとりんごの収穫",
         "夏はブルーベリー、秋はりんご。摘み取りと選果をお願いします。",
         10, (7, 8, 9, 10), (20, 40), ("果物",)),
    Kind("畜産", "【{place}】飛騨牛の牛舎で餌やりと掃除",
         "繁殖農家の牛舎で、餌やりと敷き藁の入れ替えをします。",
         6, ALL_YEAR, (8, 15), ("飛騨牛のお肉",)),
    Kind("農作業", "【{place}】えごまの種まき・収穫",
         "飛騨の特産えごまを、種まきから収穫まで手伝います。",
         10, (5, 6, 10), (20, 40), ("えごま油",)),
    Kind("森林整備", "天生（あもう）湿原の木道整備",
         "ミズバショウの咲く湿原で、傷んだ木道を直します。",
         6, (5, 6, 7, 10), (15, 30), ("温泉券",), places=("河合町",)),
    Kind("農作業", "【{place}】耕作放棄地を畑に戻す開墾",
         "草と笹に覆われた畑を、みんなで耕せる畑に戻します。",
         8, (4, 5, 9, 10), (15, 30), ("野菜",)),
    Kind("祭り", "【{place}】秋祭りの獅子舞と神輿の準備",
         "秋祭りに向けて、獅子舞の練習と神輿の飾り付けをします。",
         6, (9, 10), (25, 55), ("地酒",)),
    Kind("雪かき", "【{place}】冬支度 雪囲いの取り付け",
         "雪で庭木や窓が傷まないよう、板と縄で雪囲いをします。",
         8, (11, 12), (15, 30), ("温泉券", "干し柿")),
)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    id: str
    name: str
    name_kana: str
    home_prefecture: str  # 2-digit prefecture code


@dataclass(frozen=True, slots=True)
class DemoProgram:
    id: str
    title: str
    description: str
    category: str
    municipality_code: str
    place: str  # the district (町) of 飛騨市
    held_on: date
    published_on: date
    capacity: int
    okaeshi: str  # the thank-you in kind
    host_id: str  # a resident host, or one of the helpers who became a host


@dataclass(frozen=True, slots=True)
class DemoPlan:
    programs: tuple[DemoProgram, ...]
    hosts: tuple[DemoPerson, ...]  # resident hosts (ヌシ): they live there, so they have no relation stage
    helpers: tuple[DemoPerson, ...]  # everyone with a relation: helpers, then fans who did not come
    interests: tuple[Interest, ...]
    participations: tuple[Participation, ...]
    roles: tuple[RoleTaken, ...]

    @property
    def publications(self) -> tuple[ProgramPublished, ...]:
        return tuple(ProgramPublished(program_id=p.id, municipality_code=p.municipality_code, on=p.published_on)
                     for p in self.programs)

    def facts(self) -> list[Fact]:
        return [*self.publications, *self.interests, *self.participations, *self.roles]


def build_demo_plan(seed: int = SEED) -> DemoPlan:
    rng = random.Random(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    ids = _Ids(seed)
    hosts = tuple(_person(fake, rng, ids.next("host"), home="21") for _ in range(sum(1 + k.count // 5 for k in KINDS)))
    programs = _programs(rng, ids, hosts)
    visits = _allocate(rng, programs, _visit_counts(rng))
    helpers = [_person(fake, rng, ids.next("helper")) for _ in range(len(visits) + FANS_ONLY)]
    participations = [Participation(person_id=helper.id, municipality_code=HIDA, on=p.held_on, program_id=p.id,
                                    source=Source.host_confirmed)
                      for helper, own in zip(helpers, visits, strict=False) for p in own]
    interests = _interests(rng, helpers, visits)
    programs, roles = _helper_hosts(rng, programs, helpers, visits)
    return DemoPlan(programs=tuple(programs), hosts=hosts, helpers=tuple(helpers), interests=tuple(interests),
                    participations=tuple(participations), roles=tuple(roles))


class _Ids:
    """Stable ids: the same seed and position give the same UUID, and other seeds other ones."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.counts: dict[str, int] = defaultdict(int)

    def next(self, kind: str) -> str:
        self.counts[kind] += 1
        return str(uuid5(NAMESPACE, f"{self.seed}/{kind}/{self.counts[kind]}"))


def _person(fake: Faker, rng: random.Random, person_id: str, home: str | None = None) -> DemoPerson:
    last, last_kana, _ = fake.last_name_pair()
    first, first_kana, _ = fake.first_name_pair()
    home = home or rng.choices(list(HOMES), weights=list(HOMES.values()))[0]
    return DemoPerson(id=person_id, name=f"{last} {first}", name_kana=f"{last_kana} {first_kana}",
                      home_prefecture=home)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _held_on(rng: random.Random, kind: Kind, n: int) -> date:
    """A fixed day in turn, else mostly a weekend of one of the kind's months (people come on days off)."""
    if kind.days:
        return kind.days[n % len(kind.days)]
    month = rng.choice(kind.months)
    days = [date(YEAR, month, day) for day in range(1, calendar.monthrange(YEAR, month)[1] + 1)]
    weekends = [d for d in days if d.weekday() >= 5]
    return rng.choice(weekends if rng.random() < 0.85 else days)


def _programs(rng: random.Random, ids: _Ids, hosts: tuple[DemoPerson, ...]) -> list[DemoProgram]:
    """The year's programs in date order; a title that recurs is numbered (第2回, ...)."""
    pool = list(hosts)
    rng.shuffle(pool)
    drafts: list[tuple[date, str, Kind, str, DemoPerson]] = []
    for kind in KINDS:
        own_hosts, pool = pool[:1 + kind.count // 5], pool[1 + kind.count // 5:]  # a series has its own hosts
        for n in range(kind.count):
            place = rng.choice(kind.places)
            title = kind.title.format(place=place, year=YEAR)
            drafts.append((_held_on(rng, kind, n), title, kind, place, rng.choice(own_hosts)))
    drafts.sort(key=lambda d: (d[0], d[1]))
    totals = Counter(title for _, title, *_ in drafts)
    seen: dict[str, int] = defaultdict(int)
    programs = []
    for held_on, title, kind, place, host in drafts:
        seen[title] += 1
        programs.append(DemoProgram(
            id=ids.next("program"), title=f"{title}（第{seen[title]}回）" if totals[title] > 1 else title,
            description=kind.description, category=kind.category, municipality_code=HIDA, place=place,
            held_on=held_on, published_on=max(date(YEAR, 1, 1), held_on - timedelta(days=rng.randint(14, 45))),
            capacity=rng.randint(*kind.capacity), okaeshi=rng.choice(kind.okaeshi), host_id=host.id))
    return programs


def _visit_counts(rng: random.Random) -> list[int]:
    """How many times each helper comes, most first, adding up to exactly PARTICIPATIONS."""
    counts: list[int] = []
    while (left := PARTICIPATIONS - sum(counts)) > 0:
        _, fewest, most = rng.choices(VISITS, weights=[share for share, _, _ in VISITS])[0]
        counts.append(min(left, rng.randint(fewest, most)))
    return sorted(counts, reverse=True)


def _allocate(rng: random.Random, programs: list[DemoProgram], wanted: list[int]) -> list[list[DemoProgram]]:
    """Each helper's programs: distinct, on distinct days, within capacity, drawn in proportion to the
    seats left so programs fill evenly. The most frequent helpers choose first, while every program has
    room; a visit that finds no room becomes another helper's single visit, so the total stays exact."""
    room = {p.id: p.capacity for p in programs}
    by_season: dict[Season, list[DemoProgram]] = defaultdict(list)
    for p in programs:
        by_season[season_of(p.held_on)].append(p)
    queue, chosen = list(wanted), []
    for k in queue:
        own: list[DemoProgram] = []
        if 1 < k < CORE and rng.random() < ONE_SEASON:
            own = _pick(rng, by_season[season_of(rng.choice(programs).held_on)], room, k)
        if len(own) < k:
            own = _pick(rng, programs, room, k)
        queue.extend([1] * (k - len(own)))  # appending while iterating: the loop reaches them too
        for p in own:
            room[p.id] -= 1
        chosen.append(own)
    return chosen


def _pick(rng: random.Random, pool: list[DemoProgram], room: dict[str, int], k: int) -> list[DemoProgram]:
    """Up to k programs with room, on distinct days, weighted by seats left (Efraimidis–Spirakis)."""
    ranked = sorted((p for p in pool if room[p.id] > 0), key=lambda p: rng.random() ** (1 / room[p.id]),
                    reverse=True)
    own: list[DemoProgram] = []
    days: set[date] = set()
    for p in ranked:
        if len(own) == k:
            break
        if p.held_on not in days:
            own.append(p)
            days.add(p.held_on)
    return own


def _interests(rng: random.Random, helpers: list[DemoPerson], visits: list[list[DemoProgram]]) -> list[Interest]:
    """Some helpers registered (飛騨市ファンクラブ) or favourited before their first visit; the fans
    who did not come registered or favourited at some time in the year."""
    interests = []
    for n, helper in enumerate(helpers):
        if n < len(visits):
            draw = rng.random()
            if draw >= REGISTERED + FAVOURITE:
                continue  # came straight through a program
            kind = InterestKind.registered if draw < REGISTERED else InterestKind.favourite
            on = _day_between(rng, date(YEAR, 1, 1), min(p.held_on for p in visits[n]))
        else:
            kind = InterestKind.registered if rng.random() < FANS_REGISTERED else InterestKind.favourite
            on = _day_between(rng, date(YEAR, 1, 1), date(YEAR, 12, 31))
        interests.append(Interest(person_id=helper.id, municipality_code=HIDA, on=on, kind=kind))
    return interests


def _helper_hosts(rng: random.Random, programs: list[DemoProgram], helpers: list[DemoPerson],
                  visits: list[list[DemoProgram]]) -> tuple[list[DemoProgram], list[RoleTaken]]:
    """The most frequent helpers each take over one autumn or winter program they were not helping at,
    published after their first visit: they became hosts (ヌシ) themselves."""
    by_id = {p.id: p for p in programs}
    roles: list[RoleTaken] = []
    for helper, own in zip(helpers[:HELPER_HOSTS], visits, strict=False):
        first_visit = min(p.held_on for p in own)
        helped = {p.id for p in own}
        taken = {r.person_id for r in roles}
        free = [p for p in by_id.values() if p.held_on.month >= 9 and p.published_on > first_visit
                and p.id not in helped and p.host_id not in taken]
        program = replace(rng.choice(free), host_id=helper.id)
        by_id[program.id] = program
        roles.append(RoleTaken(person_id=helper.id, municipality_code=HIDA, on=program.published_on, role=Role.host))
    return list(by_id.values()), roles
