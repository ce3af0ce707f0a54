"""Recommendation benchmark: the top 10 programs for a person, from a catalogue of 10,000.

A seeded synthetic catalogue is placed at real municipalities (the official list the kit
ships, `kit/gazetteer.py`), with Japanese titles and descriptions (Faker ja_JP for the filler) and
skewed popularity: a few kinds of program, places and skills are common, most are rare. The
index is built once (timed apart); then `queries` varied synthetic people each ask for their top
10 through `ProgramIndex.top_programs`, reasons included, and each query is timed on its own.
The first `WARMUP` queries are not counted.

    python -m bench.matching_recommend [--programs 10000] [--queries 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from faker import Faker

from kit.gazetteer import local_governments
from services.matching.recommendations.domain.facts import DateWindow, HelperFacts, ProgramFacts
from services.matching.recommendations.domain.index import ProgramIndex

WARMUP = 20
K = 10
YEAR_START = date(2025, 4, 1)


@dataclass(frozen=True)
class Place:
    code: str
    prefecture_code: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Kind:
    """A kind of program: its title, its skills (required, optional) and its tags."""

    title: str
    required: frozenset[str]
    optional: frozenset[str]
    tags: tuple[str, ...]


def _kind(title: str, required: str, optional: str, tags: str) -> Kind:
    return Kind(title, frozenset(required.split()), frozenset(optional.split()), tuple(tags.split()))


# Most common first: popularity falls as 1/rank.
KINDS = (
    _kind("稲刈りのお手伝い", "", "farming harvest driving", "米 稲刈り 農業 田んぼ"),
    _kind("夏祭りの運営スタッフ", "", "festival event_staff", "祭り 夏 地域行事"),
    _kind("雪かきボランティア", "snow_clearing", "driving", "雪 除雪 冬 高齢者"),
    _kind("果樹園の収穫体験", "", "farming", "りんご 果物 収穫 農業"),
    _kind("子ども食堂の調理", "cooking", "childcare", "食 子ども 地域食堂"),
    _kind("古民家の改修", "", "carpentry", "古民家 空き家 DIY"),
    _kind("観光ガイドのお手伝い", "", "tourism language", "観光 インバウンド 歴史"),
    _kind("棚田の草刈り", "", "farming conservation", "棚田 草刈り 景観"),
    _kind("高齢者の見守り訪問", "", "elderly_support driving", "福祉 高齢者 見守り"),
    _kind("地域の魅力を撮影", "photography", "writing design", "写真 SNS 発信"),
    _kind("漁港の網の手入れ", "", "fishing", "漁業 海 港"),
    _kind("森の間伐体験", "forestry", "conservation", "森林 林業 山"),
    _kind("移住者向けオンライン相談会", "", "accounting it", "移住 相談 オンライン"),
    _kind("特産品のパッケージデザイン", "design", "it", "デザイン 特産品 ブランド"),
    _kind("学習支援ボランティア", "teaching", "childcare", "教育 学び 子ども"),
    _kind("ウェブサイト更新のお手伝い", "it", "design accounting", "IT ウェブ 情報発信"),
)
INTERESTS = ("農業", "稲刈り", "祭り", "雪国の暮らし", "果物", "子ども", "古民家", "観光", "棚田", "福祉",
             "写真", "海", "森林", "移住", "デザイン", "教育", "温泉", "日本酒", "地域おこし", "田舎暮らし",
             "週末に農業を体験したい", "歴史ある町並み", "アウトドア", "食文化")
SKILL_POPULARITY = ("driving", "harvest", "farming", "cooking", "photography", "it", "accounting", "childcare",
                    "festival", "design", "elderly_support", "language", "tourism", "snow_clearing", "writing",
                    "carpentry", "teaching", "event_staff", "fishing", "forestry")
MAX_TRAVEL = (None, 30.0, 50.0, 100.0, 200.0, 500.0)


def places() -> list[Place]:
    """The municipalities with coordinates (prefectures have none)."""
    return [Place(lg.code, lg.prefecture_code, lg.city, lg.lat, lg.lon) for lg in local_governments().values()
            if lg.is_municipality and lg.lat is not None and lg.lon is not None]


def zipf(n: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(n)]


def _window(rng: random.Random, longest: int) -> DateWindow:
    start = YEAR_START + timedelta(days=rng.randrange(365))
    return DateWindow(start, start + timedelta(days=rng.randrange(longest)))


def catalogue(rng: random.Random, fake: Faker, where: list[Place], n: int) -> list[ProgramFacts]:
    popular = rng.sample(where, len(where))  # which places are popular is itself seeded
    place_weights, kind_weights = zipf(len(popular)), zipf(len(KINDS))
    programs = []
    for i in range(n):
        place = rng.choices(popular, place_weights)[0]
        kind = rng.choices(KINDS, kind_weights)[0]
        season = _window(rng, 90) if rng.random() < 0.2 else None
        programs.append(ProgramFacts(
            id=f"prog-{i:05d}", title=f"{place.name}で{kind.title}", municipality_code=place.code,
            municipality=place.name, prefecture_code=place.prefecture_code, lat=place.lat, lon=place.lon,
            description=f"{place.name}の{kind.title}です。{fake.text(max_nb_chars=120)}",
            dates=() if season else tuple(_window(rng, 4) for _ in range(rng.randint(1, 3))), season=season,
            online=rng.random() < 0.1, required_skills=kind.required,
            optional_skills=kind.optional | ({rng.choice(SKILL_POPULARITY)} if rng.random() < 0.3 else set()),
            tags=kind.tags + tuple(fake.words(rng.randint(0, 2))), seats_left=rng.choice((0, *range(1, 21))),
        ))
    return programs


def people(rng: random.Random, where: list[Place], n: int) -> list[HelperFacts]:
    skill_weights, interest_weights = zipf(len(SKILL_POPULARITY)), zipf(len(INTERESTS))
    codes = [p.code for p in where]
    helpers = []
    for i in range(n):
        home = rng.choice(where) if rng.random() < 0.9 else None
        helpers.append(HelperFacts(
            id=f"helper-{i:05d}", skills=frozenset(rng.choices(SKILL_POPULARITY, skill_weights, k=rng.randint(0, 5))),
            interests=tuple(dict.fromkeys(rng.choices(INTERESTS, interest_weights, k=rng.randint(1, 4)))),
            home_prefecture_code=home.prefecture_code if home else None,
            home_lat=home.lat if home else None, home_lon=home.lon if home else None,
            availability=tuple(_window(rng, 14) for _ in range(rng.choice((0, 1, 2, 3)))),
            max_travel_km=rng.choice(MAX_TRAVEL), online_ok=rng.random() < 0.5,
            favourite_municipalities=frozenset(rng.sample(codes, rng.randint(0, 3))),
            past_relations={code: rng.randint(1, 5) for code in rng.sample(codes, rng.randint(0, 2))},
            consent_to_scouting=rng.random() < 0.6,
        ))
    return helpers


def measure(programs: int = 10_000, queries: int = 1_000, seed: int = 7) -> dict[str, float | int]:
    rng = random.Random(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    where = places()
    catalogue_ = catalogue(rng, fake, where, programs)
    asking = people(rng, where, queries + WARMUP)
    started = time.perf_counter()
    index = ProgramIndex(catalogue_)
    build_s = time.perf_counter() - started
    took_ms, answered = [], 0
    for i, helper in enumerate(asking):
        started = time.perf_counter()
        found = index.top_programs(helper, k=K)
        elapsed = time.perf_counter() - started
        if i >= WARMUP:
            took_ms.append(elapsed * 1000)
            answered += len(found)
    return {
        "recommend_p99_ms": round(float(np.percentile(took_ms, 99)), 3),
        "recommend_p50_ms": round(float(np.percentile(took_ms, 50)), 3),
        "recommend_max_ms": round(max(took_ms), 3),
        "recommend_programs": programs,
        "recommend_queries": queries,
        "recommend_results_mean": round(answered / queries, 2),
        "recommend_index_build_s": round(build_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(measure(args.programs, args.queries, args.seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
