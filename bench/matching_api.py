"""Recommendations as a person gets them: "for you" through the running service's API, 10,000 programs.

`bench.matching_recommend` times the pure index in-process; this times what a signed-in helper waits
for: `GET /matching/api/v1/recommendations/programs` over HTTP, through the host, authentication,
matching's database (the helper's facts and the catalogue's fingerprint are read on every request),
the cached program index and the answer's shaping.

1. The whole platform is started as `make up` runs it (`kakawari up`: one process, embedded NATS,
   SQLite, tracing on with no exporter) on a free port, with its own data dir, `KAKAWARI_SEED_DEMO=0`.
2. Once it is ready, matching's SQLite file (`<data dir>/matching.db`, already migrated) gets, in one
   transaction through matching's own models: one member (matching's copy, as the integration tests'
   `member()` writes it) and `--programs` published programs of that member (`programs` and
   `program_skills` rows), seeded: placed at real municipalities of `kit.gazetteer` (Zipf-popular
   places), of the kinds, tags and skills `bench.matching_recommend` uses (skills from matching's
   vocabulary), with Faker ja_JP filler in the description; one to four days (four in five) or a season of
   up to 90 days (one in five), starting over the coming year; 1–20 places, some taken, one in
   twenty full; one in ten online. The service picks them up through the catalogue's fingerprint.
3. `--helpers` people, each with their own bearer token (minted with the data dir's `secret.key`),
   create their profile through the API (`PUT /helpers/me`: 0–5 skills with Zipf popularity, 1–4
   interests, a home prefecture for nine in ten, 0–3 availability windows, a travel limit, online or
   not) and register 0–3 favourite municipalities (`POST /helpers/me/favourites`).
4. Warm-up, not counted: the first request builds the index (its latency is `recommend_api_first_ms`),
   then `WARMUP` more requests.
5. `--requests` "for you" requests, sequentially on one keep-alive connection (httpx; latency per
   request, not throughput), each from a helper drawn at random; each is timed from sending to the
   whole body read. The platform process's CPU time (user + system, not the embedded NATS) over the
   timed requests gives `recommend_api_server_cpu_us` per request. Every answer is checked: 200,
   a list of at most 10 programs, each with at least one reason.

    python -m bench.matching_api [--programs 10000] [--helpers 300] [--requests 1000] [--seed 12]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil
from faker import Faker
from sqlalchemy import create_engine, insert

from bench.http import _CLEARED, stop, wait_ready
from bench.matching_recommend import INTERESTS, KINDS, MAX_TRAVEL, SKILL_POPULARITY, Place, places, zipf
from kit.dev.nats_server import free_port
from kit.jst import JST
from kit.web.auth import Principal, issue_token
from services.matching.models import Member, Program, ProgramSkill
from services.matching.programs.domain.skills import SKILLS

ROOT = Path(__file__).resolve().parent.parent
API = "/matching/api/v1"
FOR_YOU = f"{API}/recommendations/programs"
WARMUP = 50
K = 10


@dataclass(frozen=True)
class Platform:
    base: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def platform(tmp: Path) -> Iterator[Platform]:
    """`kakawari up` in a subprocess on a free port with its own data dir and no demo data; stopped after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env |= {"KAKAWARI_DATA_DIR": str(tmp / "var"), "KAKAWARI_SEED_DEMO": "0", "LOG_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).parent / "kakawari"), "up", "--port", str(port)]
    log = tmp / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        wait_ready(base, process, log)
        yield Platform(base=base, data_dir=tmp / "var", process=process, log=log)
    finally:
        stop(process)


def token(data_dir: Path, who: Principal) -> str:
    """A bearer token signed with the platform's own secret, as the registry's sign-in issues it."""
    return issue_token(who, (data_dir / "secret.key").read_text().strip(), ttl=timedelta(hours=2))


def program_rows(rng: random.Random, fake: Faker, where: list[Place], n: int, member_id: uuid.UUID,
                 today: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`n` published programs of `member_id` and their skills, as rows of `programs` and `program_skills`."""
    popular = rng.sample(where, len(where))
    place_weights, kind_weights = zipf(len(popular)), zipf(len(KINDS))
    now = datetime.now(UTC)
    staff = uuid.uuid4()
    programs: list[dict[str, Any]] = []
    skills: list[dict[str, Any]] = []
    for _ in range(n):
        place = rng.choices(popular, place_weights)[0]
        kind = rng.choices(KINDS, kind_weights)[0]
        season = rng.random() < 0.2
        starts_on = today + timedelta(days=rng.randrange(1, 366))
        ends_on = starts_on + timedelta(days=rng.randrange(90) if season else rng.randrange(4))
        capacity = rng.randint(1, 20)
        confirmed = capacity if rng.random() < 0.05 else rng.randrange(capacity)
        program_id = uuid.uuid4()
        programs.append({
            "id": program_id, "member_id": member_id, "host_name": None, "title": f"{place.name}で{kind.title}",
            "description": f"{place.name}の{kind.title}です。{fake.text(max_nb_chars=120)}",
            "municipality_code": place.code, "municipality": place.name, "prefecture_code": place.prefecture_code,
            "lat": place.lat, "lon": place.lon, "schedule": "season" if season else "dates",
            "starts_on": starts_on, "ends_on": ends_on, "online": rng.random() < 0.1,
            "tags": list(dict.fromkeys((*kind.tags, *fake.words(rng.randint(0, 2))))), "okaeshi": "地元のお米",
            "capacity": capacity, "reserved": 0, "confirmed": confirmed, "held": 0, "waitlisted": 0,
            "waitlist_seq": 0, "status": "published", "created_by": staff, "created_at": now, "updated_at": now,
            "published_at": now, "closed_at": None, "done_at": None,
        })
        optional = set(kind.optional) | ({rng.choice(SKILL_POPULARITY)} if rng.random() < 0.3 else set())
        optional -= kind.required
        skills += [{"program_id": program_id, "skill": s, "required": True} for s in sorted(kind.required)]
        skills += [{"program_id": program_id, "skill": s, "required": False} for s in sorted(optional)]
    return programs, skills


def insert_catalogue(data_dir: Path, rng: random.Random, n: int, seed: int) -> None:
    """A member and `n` published programs written into matching's SQLite file in one transaction."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    member_id = uuid.uuid4()
    programs, skills = program_rows(rng, fake, places(), n, member_id, datetime.now(JST).date())
    unknown = {row["skill"] for row in skills} - set(SKILLS)
    if unknown:
        raise ValueError(f"skills outside matching's vocabulary: {sorted(unknown)}")
    engine = create_engine(f"sqlite:///{data_dir / 'matching.db'}", connect_args={"timeout": 60})
    try:
        with engine.begin() as connection:
            connection.execute(insert(Member), [{"id": member_id, "name": "ベンチ市", "kind": "municipality",
                                                 "status": "active", "updated_at": datetime.now(UTC)}])
            connection.execute(insert(Program), programs)
            connection.execute(insert(ProgramSkill), skills)
    finally:
        engine.dispose()


def helper_profile(rng: random.Random, where: list[Place], i: int, today: date) -> dict[str, Any]:
    home = rng.choice(where) if rng.random() < 0.9 else None
    windows = []
    for _ in range(rng.choice((0, 1, 2, 3))):
        start = today + timedelta(days=rng.randrange(1, 366))
        windows.append({"starts_on": start.isoformat(),
                        "ends_on": (start + timedelta(days=rng.randrange(14))).isoformat()})
    travel = rng.choice(MAX_TRAVEL)
    return {
        "name": f"支援者 {i}",
        "skills": list(dict.fromkeys(rng.choices(SKILL_POPULARITY, zipf(len(SKILL_POPULARITY)),
                                                 k=rng.randint(0, 5)))),
        "interests": list(dict.fromkeys(rng.choices(INTERESTS, zipf(len(INTERESTS)), k=rng.randint(1, 4)))),
        "home_prefecture_code": home.prefecture_code if home else None,
        "availability": windows,
        "max_travel_km": None if travel is None else int(travel),
        "online_ok": rng.random() < 0.5,
        "agree_to_purpose": True,
    }


def create_helpers(client: httpx.Client, data_dir: Path, rng: random.Random, n: int) -> list[dict[str, str]]:
    """`n` helpers with profiles and favourites made through the API; their Authorization headers."""
    where = places()
    today = datetime.now(JST).date()
    headers = []
    for i in range(n):
        who = Principal(user_id=uuid.uuid4(), email=f"bench-helper-{i}@example.jp", role="staff")
        auth = {"authorization": f"Bearer {token(data_dir, who)}"}
        r = client.put(f"{API}/helpers/me", json=helper_profile(rng, where, i, today), headers=auth)
        if r.status_code != 201:
            raise RuntimeError(f"PUT /helpers/me answered {r.status_code}: {r.text}")
        for place in rng.sample(where, rng.randint(0, 3)):
            r = client.post(f"{API}/helpers/me/favourites", json={"municipality_code": place.code}, headers=auth)
            if r.status_code != 201:
                raise RuntimeError(f"POST /helpers/me/favourites answered {r.status_code}: {r.text}")
        headers.append(auth)
    return headers


def problems(response: httpx.Response) -> dict[str, int]:
    """What is wrong with one "for you" answer (all zero when it is right)."""
    if response.status_code != 200:
        return {"non_200": 1, "over_10": 0, "without_reasons": 0, "empty": 0}
    found = response.json()
    return {"non_200": 0, "over_10": int(not isinstance(found, list) or len(found) > K),
            "without_reasons": sum(1 for r in found if not r.get("reasons")), "empty": int(not found)}


def measure(programs: int = 10_000, helpers: int = 300, requests: int = 1_000, seed: int = 12) -> dict[str, Any]:
    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="kakawari-bench-matching-api-"))
    try:
        with platform(tmp) as running, httpx.Client(base_url=running.base, timeout=60) as client:
            started = time.perf_counter()
            insert_catalogue(running.data_dir, rng, programs, seed)
            insert_s = time.perf_counter() - started
            people = create_helpers(client, running.data_dir, rng, helpers)
            time.sleep(2)  # the favourites' events relayed and consumed before the timing starts
            started = time.perf_counter()
            first = client.get(FOR_YOU, headers=people[0])
            first_ms = (time.perf_counter() - started) * 1000
            checks = problems(first)
            for _ in range(WARMUP):
                checks = {k: v + n for (k, v), n in zip(checks.items(), problems(
                    client.get(FOR_YOU, headers=rng.choice(people))).values(), strict=True)}
            server = psutil.Process(running.process.pid)
            took_ms: list[float] = []
            answers: list[httpx.Response] = []
            cpu_before = sum(server.cpu_times()[:2])
            for _ in range(requests):
                auth = rng.choice(people)
                started = time.perf_counter()
                response = client.get(FOR_YOU, headers=auth)
                took_ms.append((time.perf_counter() - started) * 1000)
                answers.append(response)
            cpu = sum(server.cpu_times()[:2]) - cpu_before
            for response in answers:
                checks = {k: v + n for (k, v), n in zip(checks.items(), problems(response).values(), strict=True)}
            results = sum(len(r.json()) for r in answers if r.status_code == 200)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "recommend_api_p50_ms": round(float(np.percentile(took_ms, 50)), 2),
        "recommend_api_p99_ms": round(float(np.percentile(took_ms, 99)), 2),
        "recommend_api_max_ms": round(max(took_ms), 2),
        "recommend_api_first_ms": round(first_ms, 1),
        "recommend_api_server_cpu_us": round(cpu / requests * 1e6, 1),
        "recommend_api_programs": programs,
        "recommend_api_helpers": helpers,
        "recommend_api_requests": requests,
        "recommend_api_results_mean": round(results / requests, 2),
        "recommend_api_checks": checks,
        "recommend_api_insert_s": round(insert_s, 2),
        "recommend_api_mode": ("all-in-one (kakawari up, one process, embedded NATS, SQLite, tracing on with no "
                               "exporter); sequential requests on one keep-alive httpx connection"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--helpers", type=int, default=300)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    print(json.dumps(measure(args.programs, args.helpers, args.requests, args.seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
