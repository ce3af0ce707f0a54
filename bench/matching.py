"""Matching benchmark: stable allocation against the `matching` package, and recommendations' p99.

Instances are seeded and skewed as real seasons are: each person lists 10–20 distinct programs
drawn with Zipf popularity (weight 1/rank, over a shuffled order of programs); capacities are
2–14 seats; each host lists its applicants by a coarse score (0–9) with the seeded tie-breaks of
`quality.host_ranking`, leaving out about one in twenty (so some pairs are not acceptable).

- `allocate_10k_1k_s`, `allocate_100k_10k_s`: `deferred_acceptance` on the parsed instance, 10,000
  people × 1,000 programs and 100,000 × 10,000; best of `--repeat` runs. `parse_*_s`: turning the
  JSON-shaped instance into the indexed one (validation included), best of the same runs.
- `reference_10k_1k_s`: `matching.games.HospitalResident.solve(optimal="resident")` on the same
  10k × 1k instance, same run (best of `--reference-repeat`); building its game, whose input checks
  compare every hospital with every resident, is `reference_setup_10k_1k_s` (once, not in the figure).
  The package is given the lists as they are, with `clean=True`, so it decides acceptability itself.
- `identical`: both assignments are the same for every person; `blocking_pairs`: summed over both
  sizes (must be 0).
- `recommend_p99_ms`: from `bench.matching_recommend.measure()` (top 10 among 10,000 programs);
  null when that module is absent.
- `recommend_api_*`: from `bench.matching_api.measure()`: the same "for you" through the running
  platform's API (`kakawari up`, 10,000 published programs in matching's database, a few hundred
  helpers made through the API), 1,000 sequential requests timed one by one; p50/p99, the platform's
  CPU per request, and checks of every answer (200, at most 10 programs, each with reasons).

    python -m bench.matching [--repeat 5] [--reference-repeat 2] [--seed 12]
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import os
import random
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

from bench.matching_api import measure as measure_api
from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import parse_instance
from services.matching.rounds.domain.quality import blocking_pairs, host_ranking

RESULTS = Path(__file__).parent / "results"
T = TypeVar("T")


def generate_instance(people: int, programs: int, seed: int) -> dict[str, Any]:
    """A JSON-shaped instance with skewed popularity (see the module docstring); the same for the same seed."""
    rng = random.Random(seed)
    program_ids = [f"h{h}" for h in range(programs)]
    by_popularity = program_ids[:]
    rng.shuffle(by_popularity)
    cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(programs)))
    wishes: dict[str, list[str]] = {}
    applicants: dict[str, dict[str, float]] = {h: {} for h in program_ids}
    for i in range(people):
        person = f"p{i}"
        wanted = rng.randint(10, 20)
        chosen: dict[str, None] = {}  # ordered, distinct
        while len(chosen) < wanted:
            for program in rng.choices(by_popularity, cum_weights=cumulative, k=wanted - len(chosen)):
                chosen.setdefault(program)
        wishes[person] = list(chosen)[:wanted]
        for program in wishes[person]:
            if rng.random() >= 0.05:  # the host leaves about one applicant in twenty out
                applicants[program][person] = float(rng.randint(0, 9))
    return {
        "seed": str(seed),
        "people": wishes,
        "programs": {h: {"capacity": rng.randint(2, 14), "preferences": host_ranking(scores, str(seed))}
                     for h, scores in applicants.items()},
    }


def reference_game(data: Mapping[str, Any]) -> Any:
    """The `matching` package's game on the instance; with `clean=True` it drops unreciprocated entries itself.

    Programs without seats are left out first: the package would remove them too, but only after its check
    for empty lists, and then fails on a person whose only choices they were (matching 1.4.3)."""
    from matching.games import HospitalResident

    programs = {h: spec for h, spec in data["programs"].items() if spec["capacity"] > 0}
    people = {p: [h for h in wishes if h in programs] for p, wishes in data["people"].items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns for each entry it drops
        return HospitalResident.create_from_dictionaries(
            people, {h: spec["preferences"] for h, spec in programs.items()},
            {h: spec["capacity"] for h, spec in programs.items()}, clean=True)


def reference_solve(game: Any, people: Mapping[str, object]) -> dict[str, str | None]:
    """Solve `game` resident-optimally: every person → their program, or None."""
    matching = game.solve(optimal="resident")
    assignment: dict[str, str | None] = dict.fromkeys(people)
    for hospital, residents in matching.items():
        for resident in residents:
            assignment[resident.name] = hospital.name
    return assignment


def reference_assignment(data: Mapping[str, Any]) -> dict[str, str | None]:
    """The `matching` package's resident-optimal stable matching of a JSON-shaped instance."""
    return reference_solve(reference_game(data), data["people"])


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The fastest of `repeat` runs (noise only slows a run) and the last result."""
    best = float("inf")
    result: T
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return round(best, 4), result


def measure_allocation(people: int, programs: int, seed: int, repeat: int) -> dict[str, Any]:
    data = generate_instance(people, programs, seed)
    parse_s, instance = best_of(repeat, lambda: parse_instance(data))
    allocate_s, matching = best_of(repeat, lambda: deferred_acceptance(instance))
    return {"data": data, "instance": instance, "matching": matching, "parse_s": parse_s,
            "allocate_s": allocate_s, "blocking_pairs": len(blocking_pairs(instance, matching)),
            "matched": sum(h >= 0 for h in matching), "seats": sum(instance.capacities),
            "list_entries": sum(len(w) for w in instance.wishes)}


def measure_reference(small: dict[str, Any], repeat: int) -> dict[str, Any]:
    def measure() -> dict[str, Any]:
        started = time.perf_counter()
        game = reference_game(small["data"])
        setup_s = time.perf_counter() - started
        people = small["data"]["people"]
        solve_s, assignment = best_of(repeat, lambda: reference_solve(copy.deepcopy(game), people))
        return {"reference_10k_1k_s": solve_s, "reference_setup_10k_1k_s": round(setup_s, 2),
                "identical": assignment == small["instance"].named(small["matching"])}

    return on_deep_stack(measure)


def on_deep_stack(run: Callable[[], T]) -> T:
    """`run` in a thread with a 512 MiB stack and a high recursion limit: the package deep-copies its players,
    each referring to the others, which recurses about as deep as there are players."""
    limit = sys.getrecursionlimit()
    size = threading.stack_size(512 << 20)
    sys.setrecursionlimit(1_000_000)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(run).result()
    finally:
        threading.stack_size(size)
        sys.setrecursionlimit(limit)


def recommend_figures() -> dict[str, Any]:
    try:
        module = importlib.import_module("bench.matching_recommend")
    except ModuleNotFoundError as missing:
        if missing.name != "bench.matching_recommend":
            raise
        return {"recommend_p99_ms": None, "recommend_note": "bench/matching_recommend.py is absent"}
    figures: dict[str, Any] = module.measure()
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    small = measure_allocation(10_000, 1_000, args.seed, args.repeat)
    large = measure_allocation(100_000, 10_000, args.seed, args.repeat)
    reference = measure_reference(small, args.reference_repeat)
    result: dict[str, Any] = {
        "name": "matching",
        "allocate_10k_1k_s": small["allocate_s"],
        **{k: v for k, v in reference.items() if k != "identical"},
        "identical": reference["identical"],
        "allocate_100k_10k_s": large["allocate_s"],
        **recommend_figures(),
        **measure_api(seed=args.seed),
        "blocking_pairs": small["blocking_pairs"] + large["blocking_pairs"],
        "parse_10k_1k_s": small["parse_s"],
        "parse_100k_10k_s": large["parse_s"],
        "instances": {size: {k: figures[k] for k in ("matched", "seats", "list_entries")} | {
                          "people": len(figures["instance"].person_ids),
                          "programs": len(figures["instance"].program_ids)}
                      for size, figures in (("10k_1k", small), ("100k_10k", large))},
        "reported": (f"allocate and parse: best of {args.repeat} runs; reference: solve() best of "
                     f"{args.reference_repeat} runs on a copy of the game built once (setup timed once)"),
        "commands": {"bench": " ".join(["python", "-m", "bench.matching", *sys.argv[1:]]),
                     "recommend_api": ("python -m bench.matching_api --programs 10000 --helpers 300 --requests 1000 "
                                       f"--seed {args.seed}"),
                     "allocate": "kakawari matching allocate INSTANCE.json [--report] [--mode stable|max-fill]"},
        "seed": args.seed,
        "python": sys.version.split()[0],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
    }
    result["musts"] = musts(result)
    return result


def musts(result: dict[str, Any]) -> dict[str, bool]:
    p99 = result.get("recommend_p99_ms")
    api_p99 = result.get("recommend_api_p99_ms")
    checks = result.get("recommend_api_checks") or {}
    return {
        "identical = true": result["identical"] is True,
        "blocking_pairs = 0": result["blocking_pairs"] == 0,
        "allocate_10k_1k_s ≤ 0.1": result["allocate_10k_1k_s"] <= 0.1,
        "allocate_100k_10k_s ≤ 2": result["allocate_100k_10k_s"] <= 2,
        "recommend_p99_ms ≤ 20": p99 is not None and p99 <= 20,
        "recommend_api_p99_ms ≤ 20": api_p99 is not None and api_p99 <= 20,
        "recommend_api answers: all 200, at most 10 programs, each with reasons":
            bool(checks) and checks["non_200"] == 0 and checks["over_10"] == 0 and checks["without_reasons"] == 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of parse and allocate; the best is reported")
    parser.add_argument("--reference-repeat", type=int, default=2, help="runs of the matching package's solve()")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    started = time.monotonic()
    result = run(args)
    result["bench_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "matching.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    keys = ("allocate_10k_1k_s", "reference_10k_1k_s", "identical", "allocate_100k_10k_s", "recommend_p99_ms",
            "recommend_api_p50_ms", "recommend_api_p99_ms", "recommend_api_server_cpu_us", "blocking_pairs")
    print(json.dumps({k: result[k] for k in keys}, ensure_ascii=False))
    failed = [name for name, ok in result["musts"].items() if not ok]
    print("musts: " + ("all hold" if not failed else "FAILED: " + "; ".join(failed)))
    print(f"{'reached' if result['allocate_100k_10k_s'] <= 1 else 'not reached'}: aim allocate_100k_10k_s ≤ 1")


if __name__ == "__main__":
    main()
