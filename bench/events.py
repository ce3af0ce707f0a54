"""Events benchmark: outbox → relay → JetStream → idempotent consumer, end to end.

Two phases on the same running pair of services:
- sustained: producers commit one event per transaction (`--per-tx` for more) as
  fast as the pipeline takes them, with at most `--window` events produced and
  not yet handled (a closed loop, so latency is the pipeline's, not a queue's);
  throughput is events handled per second, p50/p99 their end-to-end latency;
- paced: a steady rate (200/s by default), to see latency when not saturated.

    python -m bench.events [--n 20000] [--window 512] [--per-tx 1] [--rate 200] [--seconds 10]
                           [--db sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import nats

from bench import probe
from kit import eventloop
from kit.config import Settings
from kit.db.engine import open_database
from kit.dev.nats_server import EmbeddedNats
from kit.dev.postgres import throwaway_database
from kit.heap import freeze_after_startup
from kit.runtime import ServiceRuntime
from kit.telemetry.tracing import install_provider

RESULTS = Path(__file__).parent / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def create_schema(url: str, definition: object) -> None:
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(definition.metadata.create_all)  # type: ignore[attr-defined]
    await db.dispose()


async def produce(source: ServiceRuntime[Any], seq: int, per_tx: int = 1) -> None:
    """One unit of work that emits `per_tx` events (1: a typical use case)."""
    async with source.uow() as tx:
        for k in range(per_tx):
            tx.emit(probe.ProbeSent(seq=seq + k, sent_at=time.time()))
        await tx.commit()


async def wait_handled(target: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while len(probe.latencies_ms) < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(probe.latencies_ms)} of {target} handled")
        await asyncio.sleep(0.005)


async def sustained(
    source: ServiceRuntime[Any], n: int, concurrency: int, per_tx: int, window: int
) -> tuple[float, float, list[float]]:
    """Returns events/s, this process's CPU µs per event (steadier than wall time on a shared VM), latencies."""
    probe.latencies_ms.clear()
    counter = iter(range(0, n, per_tx))
    in_flight = asyncio.Semaphore(window)
    probe.handled_hooks.append(in_flight.release)
    taking = asyncio.Lock()  # one producer takes its permits at a time: no one holds part of a batch's

    async def worker() -> None:
        for seq in counter:
            async with taking:
                for _ in range(per_tx):
                    await in_flight.acquire()
            await produce(source, seq, per_tx)

    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await wait_handled(n, 120)
    finally:
        probe.handled_hooks.remove(in_flight.release)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return n / elapsed, cpu / n * 1e6, list(probe.latencies_ms)


async def paced(source: ServiceRuntime[Any], rate: float, seconds: float) -> list[float]:
    probe.latencies_ms.clear()
    total = int(rate * seconds)
    start = time.perf_counter()
    # Hold only unfinished tasks: a list of every task would grow the heap, and each full GC pause with it.
    pending: set[asyncio.Task[None]] = set()
    for seq in range(total):
        delay = start + seq / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(produce(source, seq))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    await wait_handled(total, 60)
    return list(probe.latencies_ms)


async def run(args: argparse.Namespace) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="kakawari-bench-"))
    server = None
    nats_url = os.getenv("BENCH_NATS_URL")
    if not nats_url:
        server = EmbeddedNats(tmp / "nats").start()
        nats_url = server.url
    stack = AsyncExitStack()
    if args.db == "sqlite":
        urls = {name: f"sqlite+aiosqlite:///{tmp / f'{name}.db'}" for name in ("benchsrc", "benchdst")}
    else:  # throwaway databases on BENCH_DATABASE_URL's server (an admin URL)
        admin = os.environ["BENCH_DATABASE_URL"]
        urls = {name: await stack.enter_async_context(throwaway_database(admin, name))
                for name in ("benchsrc", "benchdst")}
    settings = Settings(data_dir=tmp, nats_url=nats_url, database_urls=urls, namespace=f"bench{os.getpid()}",
                        secret_key="bench")
    runtimes = []
    try:
        for definition in (probe.SOURCE, probe.DESTINATION):
            await create_schema(urls[definition.name], definition)
            runtime = ServiceRuntime(definition, settings, nats_url)
            await runtime.start(apply_topology=True, producers=["benchsrc"])
            runtimes.append(runtime)
        freeze_after_startup()  # as the host does once every service has started
        source = runtimes[0]
        # Warm-up: connections, statement caches.
        await sustained(source, 500, args.concurrency, args.per_tx, args.window)
        throughput, cpu_us, lat = await sustained(source, args.n, args.concurrency, args.per_tx, args.window)
        paced_lat = await paced(source, args.rate, args.seconds)
        return {
            "name": "events", "db": args.db, "n": args.n, "concurrency": args.concurrency, "window": args.window,
            "events_per_transaction": args.per_tx,
            "throughput_per_s": round(throughput, 1), "process_cpu_us_per_event": round(cpu_us, 1),
            "p50_ms": round(statistics.median(lat), 2), "p99_ms": round(percentile(lat, 0.99), 2),
            "paced_rate_per_s": args.rate, "paced_n": len(paced_lat),
            "paced_p50_ms": round(statistics.median(paced_lat), 2),
            "paced_p99_ms": round(percentile(paced_lat, 0.99), 2),
            "machine": {"cpus": os.cpu_count()}, "mode": "all-in-one (one process, real NATS)",
            "tracing": "on (SDK provider, no exporter)",
        }
    finally:
        for runtime in reversed(runtimes):
            await runtime.stop()
        if runtimes:
            nc = await nats.connect(nats_url)
            await runtimes[0].topology.delete(nc.jetstream(), ["benchsrc"])
            await nc.close()
        if server:
            server.stop()
        await stack.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64, help="producer tasks")
    parser.add_argument("--window", type=int, default=512, help="most events produced and not yet handled")
    parser.add_argument("--per-tx", type=int, default=1, help="events emitted per producer transaction")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    install_provider("kakawari-bench")  # spans are made as in production; none are exported
    result = eventloop.run(run(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = ("" if args.db == "sqlite" else f"-{args.db}") + ("" if args.per_tx == 1 else f"-per-tx-{args.per_tx}")
    name = f"events{suffix}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
