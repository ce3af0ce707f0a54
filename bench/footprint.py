"""The all-in-one footprint: `make up` with all five services, from a fresh data dir.

1. `kakawari up` runs as `make up` runs it (one process, embedded NATS, SQLite, demo data seeded)
   on a free port with its own data dir, the caller's environment cleared of anything that would
   point it elsewhere (bench.http's _CLEARED).
2. `ready_s`: from starting the process to the first 200 of `/readyz` (migrations, demo seed and
   the topology included; the install itself is done before, as "after the first install" says).
3. Then the demo import flows: every service's outbox is relayed and the console applies every
   event (thousands: the members, programs, participations, gatherings). `settled_s` is when the
   console's count of handled events (`console_events`, from the process's own /metrics) last moved,
   once it then stays still for 6 s with every outbox empty and nothing pending for the console.
4. The Python process's RSS (the embedded NATS is its own process, reported apart) is sampled every
   0.2 s from start to `--hold` seconds after settling: `rss_peak_mb` and `rss_settled_mb`.

Musts (issue #13): `rss_peak_mb` < 400 and `ready_s` ≤ 10.

    python -m bench.footprint [--hold 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from prometheus_client.parser import text_string_to_metric_families

from bench.http import _CLEARED, RESULTS, ROOT, stop, wait_ready
from kit.dev.nats_server import free_port

RSS_LIMIT_MB = 400.0
READY_LIMIT_S = 10.0
STILL_S = 6.0  # longer than the gauges' refresh (5 s)
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


def console_progress(base: str) -> tuple[float, float, float]:
    """From the process's own /metrics: events the console has handled (a live counter), every
    outbox's backlog, and the console's consumers' pending and unacknowledged (gauges, every 5 s)."""
    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
        text = response.read().decode()
    handled = outbox = lag = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            console = sample.labels.get("service") == "console"
            if sample.name == "kakawari_events_handled_total" and console:
                handled += sample.value
            elif sample.name == "kakawari_outbox_backlog":
                outbox += sample.value
            elif sample.name in ("kakawari_consumer_lag", "kakawari_consumer_ack_pending") and console:
                lag += sample.value
    return handled, outbox, lag


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
        # Settled: the console's count has not moved for a full gauge refresh (5 s), with every outbox
        # empty and nothing pending; the first gauges are read only after that refresh.
        last, still_since = -1.0, time.monotonic()
        while True:
            handled, outbox, lag = console_progress(base)
            now = time.monotonic()
            if handled != last:
                last, still_since, moved_at = handled, now, now - started
            elif handled > 0 and outbox == 0 and lag == 0 and now - still_since >= STILL_S:
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
        "console_events": int(last),
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
