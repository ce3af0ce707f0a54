"""Deterministic demo gatherings for `make up`, from the report's FY2026 plan: the three block
forums (北海道・東北, 北陸・東海, 中国・四国; in person, autumn to winter), the online national
forum in winter, and a monthly かかわりカフェ, with believable attendance.

Built in memory from a fixed seed and bulk-inserted by seed.py as history, not news: no signup
news is emitted, so nobody is mailed (only facts for the read models). Past gatherings have
check-ins and no-shows; upcoming ones are partly filled, one of them to its waitlist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from faker import Faker

from kit.jst import JST
from kit.messaging.envelope import new_event_id
from services.forum.calendar.domain.recurrence import expand
from services.forum.signups.domain.rules import CODE_ALPHABET, CODE_LENGTH, CONSENT_VERSION

SEED = 2026
CAFE_RULE = "FREQ=MONTHLY;BYDAY=+3WE;COUNT=10"  # the third Wednesday, June 2026 to March 2027


@dataclass(frozen=True)
class Gathering:
    title: str
    kind: str
    starts_at: datetime
    hours: float
    capacity: int
    taken: int  # how many signed up (beyond the capacity: the rest wait)
    block: str | None = None
    venue: str | None = None
    description: str = ""
    programme: tuple[tuple[str, str, str, str], ...] = ()  # (kind, title, speaker, affiliation)


def jst(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST).astimezone(UTC)


FORUMS = (
    Gathering("関係人口 北海道・東北ブロックフォーラム 2026", "block_forum", jst(2026, 10, 16, 13), 4.5, 200, 176,
              block="hokkaido_tohoku", venue="仙台国際センター（宮城県仙台市）",
              description="北海道・東北で関係人口に取り組む自治体と中間支援組織が集い、事例を学び合います。",
              programme=(("talk", "基調講演：関係人口が地域を変える", "山田 太郎", "東北大学"),
                         ("case", "事例紹介：二地域居住の受け皿づくり", "佐藤 花子", "北海道東川町"))),
    Gathering("関係人口 北陸・東海ブロックフォーラム 2026", "block_forum", jst(2026, 11, 20, 13), 4.5, 180, 163,
              block="hokuriku_tokai", venue="富山国際会議場（富山県富山市）",
              description="北陸・東海の実践者による事例紹介と、中間支援組織の取組紹介ブース。",
              programme=(("talk", "基調講演：ヒダスケ！に学ぶ関わりのデザイン", "鈴木 一郎", "岐阜県飛騨市"),
                         ("case", "事例紹介：農業の産地間連携", "高橋 由美", "富山県南砺市"))),
    Gathering("関係人口 中国・四国ブロックフォーラム 2026", "block_forum", jst(2027, 1, 22, 13), 4.5, 200, 214,
              block="chugoku_shikoku", venue="岡山コンベンションセンター（岡山県岡山市）",
              description="中国・四国の自治体同士で情報交換ができる交流時間を設けます。",
              programme=(("talk", "基調講演：関係人口と地域運営組織", "伊藤 誠", "島根県立大学"),
                         ("case", "事例紹介：島の関係人口", "渡辺 咲", "島根県海士町"))),
    Gathering("関係人口 全国フォーラム 2027", "national_forum", jst(2027, 2, 19, 13, 30), 3.0, 1000, 412,
              description="関係省庁の垣根を越えて、関係人口創出・拡大の好事例を共有します（オンライン開催）。"),
)


@dataclass
class Demo:
    events: list[dict[str, Any]] = field(default_factory=list)
    programme: list[dict[str, Any]] = field(default_factory=list)
    signups: list[dict[str, Any]] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)


def _code(rng: random.Random, used: set[str]) -> str:
    while (code := "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))) in used:
        pass
    used.add(code)
    return code


def _event(g: Gathering, now: datetime, rng: random.Random, series_id: UUID | None = None) -> dict[str, Any]:
    seated = min(g.taken, g.capacity)
    ends_at = g.starts_at + timedelta(hours=g.hours)
    networking = g.kind == "block_forum"
    return {
        "id": new_event_id(), "series_id": series_id, "kind": g.kind, "title": g.title, "description": g.description,
        "block": g.block, "venue": g.venue, "online": g.kind != "block_forum",
        "join_url": None if g.kind == "block_forum" else f"https://meet.kakawari-lab.example.jp/{rng.getrandbits(32):08x}",
        "join_opens_minutes": 15, "starts_at": g.starts_at, "ends_at": ends_at, "capacity": g.capacity,
        "reserved": 0, "per_org_cap": 5 if g.kind == "block_forum" else None, "confirmed": seated, "held": 0,
        "waitlisted": max(0, g.taken - g.capacity), "waitlist_seq": max(0, g.taken - g.capacity),
        "mode": "first_come", "first_come_seats": None, "lottery_closes_at": None, "hold_hours": 24.0,
        "offer_hours": 48.0 if g.kind == "block_forum" else None,
        "reconfirm_hours": 72.0 if g.kind == "block_forum" else None,
        "networking_starts_at": ends_at - timedelta(hours=1.5) if networking else None,
        "networking_ends_at": ends_at - timedelta(minutes=30) if networking else None,
        "slot_minutes": 15, "status": "published", "sequence": 0,
        "created_at": min(now, g.starts_at - timedelta(days=45)), "updated_at": now,
    }


def build_demo(now: datetime) -> Demo:
    rng = random.Random(SEED)
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    demo, used = Demo(), set[str]()
    cafe_id = new_event_id()
    first_cafe = jst(2026, 6, 17, 19)
    demo.series.append({"id": cafe_id, "title": "かかわりカフェ",
                        "description": "毎月第3水曜の夜、オンラインで気軽に情報交換。",
                        "rrule": CAFE_RULE, "first_starts_at": first_cafe, "duration_minutes": 90, "capacity": 40,
                        "mode": "first_come", "join_url": "https://meet.kakawari-lab.example.jp/cafe",
                        "status": "published", "created_at": first_cafe - timedelta(days=30), "updated_at": now})
    dates = expand(CAFE_RULE, first_cafe)  # the rule as the series API reads it
    assert not dates.problems, dates.problems
    cafes = [Gathering(f"かかわりカフェ {d.astimezone(JST).month}月", "cafe", d, 1.5, 40, rng.randint(24, 46))
             for d in dates.starts]
    for g in (*FORUMS, *cafes):
        event = _event(g, now, rng, cafe_id if g.kind == "cafe" else None)
        demo.events.append(event)
        for i, (kind, title, speaker, affiliation) in enumerate(g.programme):
            start = g.starts_at + timedelta(minutes=15 + 60 * i)
            demo.programme.append({"id": new_event_id(), "event_id": event["id"], "kind": kind, "title": title,
                                   "speakers": f'[{{"name": "{speaker}", "affiliation": "{affiliation}"}}]',
                                   "starts_at": start, "ends_at": start + timedelta(minutes=50), "capacity": None})
        past = event["ends_at"] <= now
        for n in range(g.taken):
            seated = n < g.capacity
            signed = event["created_at"] + timedelta(minutes=rng.randint(10, 60 * 24 * 30))
            demo.signups.append({
                "id": new_event_id(), "event_id": event["id"], "email": f"demo{len(demo.signups):05d}@example.jp",
                "name": fake.name(), "name_kana": fake.kana_name(),
                "affiliation": rng.choice([f"{fake.city()}役場", fake.company(), f"{fake.city()}まちづくり協議会"]),
                "prefecture_code": f"{rng.randint(1, 47):02d}", "member_id": None, "locale": "ja",
                "status": "confirmed" if seated else "waitlisted",
                "waitlist_ticket": None if seated else n - g.capacity + 1, "waitlist_group": None,
                "consent_version": CONSENT_VERSION, "consent_at": signed, "verified_at": signed,
                "hold_expires_at": None, "offer_expires_at": None, "reconfirmed_at": None,
                "checkin_code": _code(rng, used),
                # About one in eight confirmed attendees of a past gathering did not come.
                "checked_in_at": g.starts_at - timedelta(minutes=rng.randint(0, 40))
                if past and seated and rng.random() > 0.125 else None,
                "created_at": signed, "updated_at": signed, "cancelled_at": None,
            })
    return demo
