"""Deterministic demo members: 275 local governments and 282 organisations, as on 2026-04-01.

Everything is built in memory from a fixed seed, then bulk-inserted by seed.py. The data is
coherent with the official list: every member has a home municipality, so it shows its
prefecture and block, and an organisation named after a place (あきる野市まちづくりNPO,
東京都立大学 地域連携センター) sits in that place's prefecture. `tests/…/test_demo_data.py`
checks every member against the gazetteer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from faker import Faker

from kit.demo import demo_member_id
from kit.gazetteer import BLOCKS
from kit.messaging.envelope import new_event_id
from services.registry.domain.kinds import MemberKind, RmoLegalForm
from services.registry.domain.local_government import Gazetteer, LocalGovernment
from services.registry.membership.domain.corporate_number import make_corporate_number

SEED = 2026
LOCAL_GOVERNMENTS, ORGANISATIONS = 275, 282
HIDA = "212172"
# Left out of the demo so tests and try-outs can apply with it: 長野市.
FREE_CODE = "202011"
FIRST_DAY, LAST_DAY = datetime(2024, 4, 1, tzinfo=UTC), datetime(2026, 3, 20, tzinfo=UTC)
TAGS = ["移住・定住", "ふるさと納税", "援農", "副業・兼業", "祭り・伝統文化", "観光", "教育・学生", "空き家活用",
        "地域交通", "ワーケーション", "子育て", "福祉", "デジタル", "環境・森林"]
ORG_KINDS = [MemberKind.company] * 5 + [MemberKind.npo] * 3 + [MemberKind.intermediary] * 3 + \
    [MemberKind.rmo] * 2 + [MemberKind.university]
# 飛騨市's own RMOs, named after districts of the city (not after any municipality), run its small bases.
HIDA_RMOS = [("宮川地区振興会", RmoLegalForm.nini), ("河合地域づくり協議会", RmoLegalForm.ninka_chien)]
SUFFIXES: dict[MemberKind, list[str]] = {
    MemberKind.npo: ["まちづくりNPO", "ふるさと応援会", "交流協会"],
    MemberKind.intermediary: ["関係人口サポートセンター", "地域コーディネート機構", "移住交流推進機構"],
    MemberKind.rmo: ["地域運営協議会", "まちづくり協議会", "地区振興会"],
    MemberKind.university: ["立大学 地域連携センター", "立短期大学 地域共創研究所"],
}


@dataclass
class DemoData:
    members: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    by_code: dict[str, UUID] = field(default_factory=dict)
    hida_rmos: list[UUID] = field(default_factory=list)


def _pick_local_governments(gazetteer: Gazetteer, rng: random.Random) -> list[LocalGovernment]:
    """A fixed sample covering every block, with 飛騨市 and some prefectures included."""
    pool = [lg for lg in gazetteer if lg.code not in (HIDA, FREE_CODE)]
    chosen = [gazetteer.get(HIDA)]
    for block in BLOCKS:  # at least 20 per block, so every block shows up in the figures
        chosen += rng.sample([lg for lg in pool if lg.block == block.block_id and lg not in chosen], 20)
    rest = [lg for lg in pool if lg not in chosen]
    chosen += rng.sample(rest, LOCAL_GOVERNMENTS - len(chosen))
    return [lg for lg in chosen if lg is not None]


def _dates(rng: random.Random) -> tuple[datetime, datetime, datetime]:
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    submitted = FIRST_DAY + timedelta(seconds=rng.uniform(0, span))
    approved = min(submitted + timedelta(days=rng.randint(3, 30)), LAST_DAY + timedelta(days=5))
    return submitted, approved, approved + timedelta(days=1)


def _member(data: DemoData, rng: random.Random, home: LocalGovernment, member_id: UUID | None = None,
            **fields: Any) -> UUID:
    """An active member whose place (prefecture, block) is its home local government's."""
    submitted, approved, activated = _dates(rng)
    member_id = member_id or new_event_id()
    data.members.append({
        "id": member_id, "legal_form": None, "name_kana": None, "local_government_code": None,
        "corporate_number": None, "prefecture_code": home.prefecture_code, "block": home.block,
        "status": "active", "locale": "ja", "website": None, "similar_to": [], "created_at": submitted,
        "updated_at": activated, "submitted_at": submitted, "approved_at": approved, "ended_at": None,
        "directory_opt_in": rng.random() < 0.8, "activity_tags": rng.sample(TAGS, rng.randint(1, 3)), **fields,
    })
    for action, before, after, at in (("submit", None, "submitted", submitted), ("approve", "submitted", "approved",
                                      approved), ("activate", "approved", "active", activated)):
        data.history.append({"id": new_event_id(), "member_id": member_id, "action": action, "from_status": before,
                             "to_status": after, "actor_id": None, "actor_email": "demo-seed", "note": None,
                             "at": at})
    return member_id


def _org_name(kind: MemberKind, home: LocalGovernment, fake: Faker, rng: random.Random) -> str:
    """Companies get an invented name; the others are named after their home, as such bodies usually are."""
    if kind == MemberKind.company:
        return str(fake.company())
    place = home.prefecture if kind == MemberKind.university else home.name  # 東京都立大学, あきる野市交流協会
    return place + rng.choice(SUFFIXES[kind])


def _home_and_name(kind: MemberKind, homes: list[LocalGovernment], fake: Faker, rng: random.Random,
                   taken: set[str]) -> tuple[LocalGovernment, str]:
    """A home and a name no other demo member has (Faker and the suffixes repeat; homes do not run out)."""
    while True:
        home = rng.choice(homes)
        name = _org_name(kind, home, fake, rng)
        if name not in taken:
            taken.add(name)
            return home, name


def build_demo(gazetteer: Gazetteer) -> DemoData:
    rng = random.Random(SEED)
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    data = DemoData()
    for lg in _pick_local_governments(gazetteer, rng):
        slug = f"lg{lg.code}"
        data.by_code[lg.code] = _member(
            data, rng, lg, demo_member_id(lg.code), kind=lg.kind, name=lg.full_name, name_kana=lg.kana,
            local_government_code=lg.code,
            contact_name=fake.name(), contact_email=f"kakawari@{slug}.example.jp",
            website=f"https://www.{slug}.example.jp/", **({"directory_opt_in": True} if lg.code == HIDA else {}))
    hida = gazetteer.get(HIDA)
    assert hida is not None
    numbers = iter(rng.sample(range(10**11, 10**12), ORGANISATIONS))
    taken = {m["name"] for m in data.members}
    n = 0
    for name, rmo_form in HIDA_RMOS:
        data.hida_rmos.append(_organisation(data, rng, fake, n, hida, MemberKind.rmo, rmo_form, name,
                                            next(numbers)))
        taken.add(name)
        n += 1
    # Not 飛騨市: its organisations are the RMOs above, so a search for 飛騨市 finds the city alone.
    homes = [lg for lg in gazetteer if lg.kind == "municipality" and lg.code != HIDA]
    for base in numbers:
        kind = rng.choice(ORG_KINDS)
        form = rng.choice(list(RmoLegalForm)) if kind == MemberKind.rmo else None
        home, name = _home_and_name(kind, homes, fake, rng, taken)
        _organisation(data, rng, fake, n, home, kind, form, name, base)
        n += 1
    return data


def _organisation(data: DemoData, rng: random.Random, fake: Faker, n: int, home: LocalGovernment,
                  kind: MemberKind, form: RmoLegalForm | None, name: str, base: int) -> UUID:
    informal = form in (RmoLegalForm.nini, RmoLegalForm.other)
    return _member(
        data, rng, home, kind=kind.value, legal_form=form.value if form else None, name=name,
        corporate_number=None if informal else make_corporate_number(f"{base:012d}"),
        contact_name=fake.name(), contact_email=f"info{n:03d}@org{n:03d}.example.jp",
        website=f"https://org{n:03d}.example.jp/")


def demo_bases(data: DemoData, gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """A few 小さな拠点 in 飛騨市, two of them run by the city's own demo RMOs."""
    hida = data.by_code[HIDA]
    rows = [("宮川町 小さな拠点「みやがわ」", HIDA, ["買い物", "地域交通", "交流スペース"], date(2019, 4, 1)),
            ("河合町 ふれあいセンター", HIDA, ["診療所", "交流スペース"], date(2021, 6, 1)),
            ("山之村 ほっとステーション", HIDA, ["買い物", "見守り"], date(2023, 10, 1))]
    out = []
    for i, (name, code, services, opened) in enumerate(rows):
        place = gazetteer.get(code)
        assert place is not None
        out.append({"id": new_event_id(), "member_id": hida, "name": name, "municipality_code": code,
                    "prefecture_code": place.prefecture_code, "services": services,
                    "operator_member_id": data.hida_rmos[i] if i < len(data.hida_rmos) else None,
                    "opened_on": opened, "created_at": FIRST_DAY})
    return out
