"""HTTP benchmark: a trivial API GET through a service's whole stack, against the ceiling.

Starts the all-in-one platform as `make up` runs it (`kakawari up`: embedded NATS,
SQLite, demo data, tracing on with no exporter) in a subprocess on a free port,
then loads it with wrk, alternating between the two endpoints so the machine's
drift weighs on both:
- ceiling: `/healthz`, answered by the host app itself;
- api: `GET /registry/api/v1/local-governments/212172`, an in-memory lookup that
  runs through the host, the service's mounted app, its router, validation and
  the response model, but touches no database.

Requests/s are the best of `--rounds` rounds (noise on a shared VM only ever slows a round
down); p99 is that round's. `ratio` is api over ceiling, taken per pair of adjacent rounds
(the machine drifts over minutes) and reported as the median of the pairs.

    python -m bench.http [--rounds 7] [--seconds 10] [--connections 64]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from kit.dev.nats_server import free_port

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
CEILING_PATH = "/healthz"
API_PATH = "/registry/api/v1/local-governments/212172"
# Whatever the caller's shell points at (a shared NATS, PostgreSQL, an OTLP collector) would
# change what is measured: the platform runs as a fresh `make up` would.
_CLEARED = ("NATS_URL", "DATABASE_URL", "REGISTRY_DATABASE_URL", "FORUM_DATABASE_URL", "MATCHING_DATABASE_URL",
            "NOTIFY_DATABASE_URL", "CONSOLE_DATABASE_URL", "SMTP_URL", "KAKAWARI_CONSOLE_TARGETS", "KAKAWARI_ENV",
            "KAKAWARI_NAMESPACE", "KAKAWARI_SECRET_KEY",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER", "OTEL_PROPAGATORS", "LOG_LEVEL", "PORT", "HOST")
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class WrkRun:
    endpoint: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int  # wrk counts a request unanswered after 2 s as a timeout
    server_cpu_us_per_request: float  # the platform process's CPU time (user + system) per request


def ensure_wrk() -> str:
    """wrk from Debian's package, installed when missing and running as root (as `make browser` does)."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Debian's wrk for the HTTP benchmark", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing and cannot be installed here (needs root and apt-get): install wrk")
    return found


def wrk_version(wrk: str) -> str:
    # `wrk -v` prints its banner and usage, and exits 1.
    out = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout
    return out.splitlines()[0].strip() if out else "unknown"


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/sec, the 50 % and 99 % latencies, requests, non-2xx/3xx responses and socket errors."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\b", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rate and p50 and p99 and total):
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests_per_s": float(rate.group(1)),
        "p50_ms": _ms(*p50.groups()),
        "p99_ms": _ms(*p99.groups()),
        "requests": int(total.group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def wrk_command(wrk: str, url: str, *, connections: int, seconds: int) -> list[str]:
    return [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]


def load(server: psutil.Process, command: list[str], endpoint: str) -> WrkRun:
    cpu_before = sum(server.cpu_times()[:2])
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = sum(server.cpu_times()[:2]) - cpu_before
    figures = parse_wrk(output)
    if figures["non_2xx"]:  # a wrong answer is not a measurement; a timed-out request (over 2 s) is one
        raise RuntimeError(f"{endpoint}: answered other than 2xx or 3xx:\n{output}")
    return WrkRun(endpoint=endpoint, requests_per_s=figures["requests_per_s"], p50_ms=round(figures["p50_ms"], 2),
                  p99_ms=round(figures["p99_ms"], 2), requests=int(figures["requests"]), non_2xx=0,
                  socket_errors=int(figures["socket_errors"]),
                  server_cpu_us_per_request=round(cpu / max(1, figures["requests"]) * 1e6, 1))


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kakawari up exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"/readyz not 200 within {timeout_s:.0f} s:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT, as Ctrl-C: uvicorn drains, the runtimes stop, the embedded NATS exits."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(args: argparse.Namespace) -> dict[str, object]:
    wrk = ensure_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="kakawari-bench-http-"))
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env["KAKAWARI_DATA_DIR"] = str(tmp / "var")
    server_command = [str(Path(sys.executable).parent / "kakawari"), "up", "--port", str(port)]
    log = tmp / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(server_command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        wait_ready(base, process, log)
        server = psutil.Process(process.pid)
        ceiling = wrk_command(wrk, base + CEILING_PATH, connections=args.connections, seconds=args.seconds)
        api = wrk_command(wrk, base + API_PATH, connections=args.connections, seconds=args.seconds)
        # Warm-up, not recorded: first-use caches (the gazetteer, route compilation, statement caches).
        for url in (base + CEILING_PATH, base + API_PATH):
            load(server, wrk_command(wrk, url, connections=args.connections, seconds=2), url)
        rounds: list[WrkRun] = []
        for _ in range(args.rounds):
            rounds.append(load(server, ceiling, "ceiling"))
            rounds.append(load(server, api, "api"))
    finally:
        stop(process)
    best_ceiling = max((r for r in rounds if r.endpoint == "ceiling"), key=lambda r: r.requests_per_s)
    best_api = max((r for r in rounds if r.endpoint == "api"), key=lambda r: r.requests_per_s)
    cpu_ceiling = min(r.server_cpu_us_per_request for r in rounds if r.endpoint == "ceiling")
    cpu_api = min(r.server_cpu_us_per_request for r in rounds if r.endpoint == "api")
    # The machine's speed drifts over minutes, so each API round is compared with the ceiling
    # round just before it, and the ratio is the median of those pairs.
    pairs = list(zip(rounds[0::2], rounds[1::2], strict=True))
    pair_ratios = [api.requests_per_s / ceil.requests_per_s for ceil, api in pairs]
    pair_cpu_ratios = [ceil.server_cpu_us_per_request / api.server_cpu_us_per_request for ceil, api in pairs]
    shutil.rmtree(tmp, ignore_errors=True)

    def shown(command: list[str]) -> str:
        return " ".join(["wrk", *command[1:]])

    return {
        "name": "http",
        "noop_ceiling_per_s": best_ceiling.requests_per_s,
        "noop_ceiling_p99_ms": best_ceiling.p99_ms,
        "api_get_per_s": best_api.requests_per_s,
        "api_get_p99_ms": best_api.p99_ms,
        "ratio": round(statistics.median(pair_ratios), 3),
        "pair_ratios": [round(r, 3) for r in pair_ratios],
        "reported": (f"requests/s and p99: best of {args.rounds} alternating rounds per endpoint; ratio: median "
                     "over the rounds of api / the ceiling round just before it"),
        # The platform's CPU time per request (least of the rounds), and the median of the per-pair
        # ceiling/api CPU ratios: comparable with ratio, and less moved by wrk sharing the machine.
        "server_cpu_us_per_request": {"ceiling": cpu_ceiling, "api": cpu_api},
        "cpu_ratio": round(statistics.median(pair_cpu_ratios), 3),
        "rounds": [asdict(r) for r in rounds],
        "commands": {
            "server": f"KAKAWARI_DATA_DIR=<tmp> {Path(server_command[0]).name} up --port {port}",
            "ceiling": shown(ceiling),
            "api": shown(api),
        },
        "wrk_version": wrk_version(wrk),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "mode": "all-in-one (kakawari up, one process, embedded NATS, SQLite)",
        "tracing": "on (SDK provider, no exporter)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="rounds per endpoint, alternating")
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    result = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "http.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    summary = {k: result[k] for k in ("noop_ceiling_per_s", "api_get_per_s", "api_get_p99_ms", "ratio", "cpu_ratio")}
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
