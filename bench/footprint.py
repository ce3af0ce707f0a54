"""The all-in-one footprint: `make up` with all five services, from a fresh data dir.

1. `kakawari up` runs as `make up` runs it (one process, embedded NATS, SQLite, demo data seeded)
   on a free port with its own data dir, the caller's environment cleared of anything that would
   point it elsewhere (bench.http's _CLEARED).
2. `ready_s`: from starting the process to the first 200 of `/readyz` (migrations, demo seed and
   the topology included; the install itself is done before, as "after the first install" says).
3. Then the demo import flows: every service's outbox is relayed and the console applies every
   event (thousands: the members, programs, participations, gatherings). It is watched through the
   embedded NATS, not over HTTP (a request makes background work stand aside): `settled_s` is when
   the streams last grew (`stream_events` stored) or the console's consumers last had anything
   pending, once that then stays so for 3 s.
4. The Python process's RSS (the embedded NATS is its own process, reported apart) is sampled every
   0.2 s from start to `--hold` seconds after settling: `rss_peak_mb` and `rss_settled_mb`.

Musts (issue #13): `rss_peak_mb` < 400 and `ready_s` ≤ 10.

    python -m bench.footprint [--hold 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nats
import psutil

from bench.http import _CLEARED, RESULTS, ROOT, stop, wait_ready
from kit.dev.nats_server import free_port

RSS_LIMIT_MB = 400.0
READY_LIMIT_S = 10.0
STILL_S = 3.0
MB = 1024 * 1024


class RssSampler(threading.Thread):
    """Samples the process's RSS and its children's (the embedded NATS) until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = self.last = self.children_last = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                self.last = self.process.memory_info().rss
                self.children_last = sum(c.memory_info().rss for c in self.process.children(recursive=True))
            except psutil.Error:
                return
            self.peak = max(self.peak, self.last)
            time.sleep(0.2)


async def _jetstream_progress(nats_url: str) -> tuple[int, int]:
    """Messages in every stream, and what the console's consumers have not yet had acknowledged."""
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream()
        stored = pending = 0
        for stream in await js.streams_info():
            stored += stream.state.messages
            for consumer in await js.consumers_info(stream.config.name or ""):
                if consumer.name.startswith("console-"):
                    pending += (consumer.num_pending or 0) + (consumer.num_ack_pending or 0)
        return stored, pending
    finally:
        await client.close()


def jetstream_progress(nats_url: str) -> tuple[int, int]:
    return asyncio.run(_jetstream_progress(nats_url))


def run(args: argparse.Namespace) -> dict[str, object]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="kakawari-bench-footprint-"))
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED} | {
        "KAKAWARI_DATA_DIR": str(tmp / "var"), "LOG_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).parent / "kakawari"), "up", "--port", str(port)]
    log = tmp / "server.log"
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    sampler = RssSampler(process.pid)
    sampler.start()
    try:
        wait_ready(base, process, log, timeout_s=120)
        ready_s = time.monotonic() - started
        deadline = time.monotonic() + args.settle_timeout
        # Watched through NATS, not HTTP: every request would make the import stand aside for a
        # moment (kit/foreground.py). Settled: nothing new stored for STILL_S and nothing pending for
        # the console.
        nats_url = re.search(r"NATS (nats://\S+?)\)", log.read_text()).group(1)  # type: ignore[union-attr]
        last, still_since = -1, time.monotonic()
        while True:
            stored, pending = jetstream_progress(nats_url)
            now = time.monotonic()
            if stored != last or pending:
                last, still_since, moved_at = stored, now, now - started
            elif stored > 0 and now - still_since >= STILL_S:
                break
            if now > deadline:
                raise TimeoutError(f"the demo import did not settle within {args.settle_timeout} s")
            time.sleep(0.5)
        settled_s = moved_at
        time.sleep(args.hold)
    finally:
        sampler.running = False
        sampler.join()
        stop(process)
    result: dict[str, object] = {
        "command": "python -m bench.footprint" + (f" --hold {args.hold}" if args.hold != 10 else ""),
        "services": 5,
        "ready_s": round(ready_s, 2),
        "settled_s": round(settled_s, 2),
        "stream_events": int(last),
        "rss_peak_mb": round(sampler.peak / MB, 1),
        "rss_settled_mb": round(sampler.last / MB, 1),
        "nats_rss_mb": round(sampler.children_last / MB, 1),
        "limits": {"rss_peak_mb": RSS_LIMIT_MB, "ready_s": READY_LIMIT_S},
    }
    result["musts_hold"] = bool(result["rss_peak_mb"] < RSS_LIMIT_MB  # type: ignore[operator]
                                and result["ready_s"] <= READY_LIMIT_S)  # type: ignore[operator]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hold", type=float, default=10.0, help="seconds to keep sampling after settling")
    parser.add_argument("--settle-timeout", type=float, default=180.0)
    result = run(parser.parse_args())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "footprint.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print("musts: all hold" if result["musts_hold"] else "musts: NOT all hold")


if __name__ == "__main__":
    main()
