#!/usr/bin/env python3
"""Benchmark of shiftguard's streaming drift detectors against river's, in one process.

Two parts, on identical seeded streams:

1. **Throughput.** shiftguard's ``update_many`` over a whole NumPy array (the loop runs in
   C++ without the GIL) against river's detector fed value by value from a Python loop (how
   river is used), and shiftguard's ``update`` called from the same Python loop. river's loop
   runs on a prefix of the stream (its throughput does not depend on the length); both
   throughputs are in values per second and the ratio is shiftguard / river. The detection
   indices on the shared prefix are compared as a sanity check.
2. **Change points.** Streams with known change points (abrupt mean shift, gradual shift,
   variance change, error-rate increase): per detector, the mean detection delay, the false
   alarms per 100,000 values, and the missed changes, for shiftguard and for river on the same
   streams.

Usage::

    python benchmarks/bench_stream.py            # full run (10 million values)
    python benchmarks/bench_stream.py --quick    # smoke run
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from _machine import cpu_model

import shiftguard
import shiftguard.drift as sg
import shiftguard.drift.binary as sg_binary

SEED = 20261123



@dataclass
class Pair:
    name: str
    binary: bool
    ours: Callable[[], Any]
    river: Callable[[], Any] | None
    river_cap: int  # values river's loop is timed on (its per-value cost is constant)


def detector_pairs() -> list[Pair]:
    from river import drift
    from river.drift import binary

    pairs = [
        Pair("ADWIN", False, lambda: sg.ADWIN(), lambda: drift.ADWIN(), 1_000_000),
        Pair("PageHinkley", False, lambda: sg.PageHinkley(), lambda: drift.PageHinkley(), 1_000_000),
        Pair("KSWIN", False, lambda: sg.KSWIN(seed=1), lambda: drift.KSWIN(seed=1), 50_000),
        Pair("CUSUM", False, lambda: sg.CUSUM(), None, 0),
        Pair("DDM", True, lambda: sg_binary.DDM(), lambda: binary.DDM(), 1_000_000),
        Pair("EDDM", True, lambda: sg_binary.EDDM(), lambda: binary.EDDM(), 1_000_000),
        Pair("HDDM_A", True, lambda: sg_binary.HDDM_A(), lambda: binary.HDDMA(), 1_000_000),
        Pair("HDDM_W", True, lambda: sg_binary.HDDM_W(), lambda: binary.HDDMW(), 1_000_000),
    ]
    return pairs


def throughput_stream(n: int, binary: bool, seed: int) -> np.ndarray:
    """Segments of 100,000 values whose mean (error rate) alternates, so detectors fire and
    reset as they would in service."""
    rng = np.random.default_rng(seed)
    shifted = (np.arange(n) // 100_000) % 2 == 1
    if binary:
        return (rng.random(n) < np.where(shifted, 0.3, 0.1)).astype(np.float64)
    return rng.normal(0.0, 1.0, n) + np.where(shifted, 1.0, 0.0)


def river_loop(detector: Any, values: list) -> list[int]:
    found = []
    for i, x in enumerate(values):
        detector.update(x)
        if detector.drift_detected:
            found.append(i)
    return found


def ours_loop(detector: Any, values: list) -> list[int]:
    found = []
    for i, x in enumerate(values):
        detector.update(x)
        if detector.drift_detected:
            found.append(i)
    return found


def median_seconds(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_throughput(pairs: list[Pair], n: int, repeat: int, river_scale: float) -> list[dict]:
    rows = []
    streams = {False: throughput_stream(n, False, SEED), True: throughput_stream(n, True, SEED + 1)}
    for pair in pairs:
        stream = streams[pair.binary]
        seconds, events = median_seconds(lambda: pair.ours().update_many(stream), repeat)
        row = {
            "detector": pair.name,
            "values": n,
            "update_many_per_s": n / seconds,
            "detections": int(len(events.drift_indices)),
        }
        if pair.river is not None:
            cap = max(10_000, int(pair.river_cap * river_scale))
            prefix = stream[:cap]
            values = prefix.tolist() if not pair.binary else [bool(v) for v in prefix]
            river_seconds, river_found = median_seconds(
                lambda: river_loop(pair.river(), values), 1
            )
            loop_seconds, ours_found = median_seconds(
                lambda: ours_loop(pair.ours(), values), 1
            )
            batch_found = pair.ours().update_many(prefix).drift_indices.tolist()
            row.update(
                {
                    "river_values": cap,
                    "river_per_s": cap / river_seconds,
                    "update_loop_per_s": cap / loop_seconds,
                    "same_detections": river_found == ours_found == batch_found,
                }
            )
            row["ratio_update_many"] = row["update_many_per_s"] / row["river_per_s"]
            row["ratio_update_loop"] = row["update_loop_per_s"] / row["river_per_s"]
        rows.append(row)
        print_throughput_row(row)
    return rows


def print_throughput_row(row: dict) -> None:
    if "river_per_s" in row:
        print(
            f"{row['detector']:<12} {row['update_many_per_s']:>14.3e} {row['river_per_s']:>12.3e} "
            f"{row['ratio_update_many']:>9.1f}x {row['update_loop_per_s']:>12.3e} "
            f"{row['ratio_update_loop']:>8.2f}x  {'yes' if row['same_detections'] else 'NO'}",
            flush=True,
        )
    else:
        print(f"{row['detector']:<12} {row['update_many_per_s']:>14.3e} {'(no river peer)':>12}",
              flush=True)


# --------------------------------------------------------------------------- change points

SEGMENT = 5_000
N_SEGMENTS = 20


def change_point_stream(kind: str, seed: int) -> tuple[np.ndarray, list[int]]:
    """N_SEGMENTS segments of SEGMENT values; a change at the start of each segment after the
    first. Real streams alternate between two regimes; the error stream's rate alternates
    between 0.1 and 0.3."""
    rng = np.random.default_rng(seed)
    n = SEGMENT * N_SEGMENTS
    changes = list(range(SEGMENT, n, SEGMENT))
    regime = (np.arange(n) // SEGMENT) % 2
    if kind == "abrupt mean shift":
        return rng.normal(0, 1, n) + 1.0 * regime, changes
    if kind == "gradual mean shift":
        # the mean moves linearly over 500 values after each change point
        position = np.arange(n) % SEGMENT
        ramp = np.clip(position / 500.0, 0.0, 1.0)
        target = np.where(regime == 1, ramp, 1.0 - ramp)
        target[:SEGMENT] = 0.0
        return rng.normal(0, 1, n) + target, changes
    if kind == "variance change":
        return rng.normal(0, 1, n) * np.where(regime == 1, 3.0, 1.0), changes
    if kind == "error-rate increase":
        return (rng.random(n) < np.where(regime == 1, 0.3, 0.1)).astype(np.float64), changes
    raise AssertionError(kind)


def score(detections: list[int], changes: list[int], n: int) -> dict:
    """Each change is detected by the first detection in [change, next change); later ones in
    the same segment and any before the first change are false alarms."""
    bounds = changes + [n]
    delays, missed, used = [], 0, set()
    for start, stop in zip(bounds[:-1], bounds[1:]):
        hits = [d for d in detections if start <= d < stop]
        if hits:
            delays.append(hits[0] - start)
            used.add(hits[0])
        else:
            missed += 1
    false_alarms = len([d for d in detections if d not in used])
    return {
        "mean_delay": float(np.mean(delays)) if delays else float("nan"),
        "false_alarms_per_100k": false_alarms * 100_000 / n,
        "missed": missed,
        "changes": len(changes),
    }


def bench_change_points(pairs: list[Pair], seeds: int) -> list[dict]:
    kinds = ["abrupt mean shift", "gradual mean shift", "variance change", "error-rate increase"]
    rows = []
    for kind in kinds:
        binary_stream = kind == "error-rate increase"
        for pair in pairs:
            if pair.binary and not binary_stream:
                continue
            ours_scores, river_scores = [], []
            for seed in range(seeds):
                stream, changes = change_point_stream(kind, SEED + 100 * seed)
                found = pair.ours().update_many(stream).drift_indices.tolist()
                ours_scores.append(score(found, changes, len(stream)))
                if pair.river is not None:
                    values = [bool(v) for v in stream] if pair.binary else stream.tolist()
                    river_scores.append(score(river_loop(pair.river(), values), changes, len(stream)))
            row = {"stream": kind, "detector": pair.name, "shiftguard": combine(ours_scores)}
            if river_scores:
                row["river"] = combine(river_scores)
            rows.append(row)
            print_change_row(row)
    return rows


def combine(scores: list[dict]) -> dict:
    delays = [s["mean_delay"] for s in scores if not np.isnan(s["mean_delay"])]
    return {
        "mean_delay": float(np.mean(delays)) if delays else float("nan"),
        "false_alarms_per_100k": float(np.mean([s["false_alarms_per_100k"] for s in scores])),
        "missed": int(sum(s["missed"] for s in scores)),
        "changes": int(sum(s["changes"] for s in scores)),
    }


def format_score(entry: dict | None) -> str:
    if entry is None:
        return f"{'-':>8} {'-':>8} {'-':>9}"
    return (
        f"{entry['mean_delay']:>8.1f} {entry['false_alarms_per_100k']:>8.1f} "
        f"{entry['missed']:>4}/{entry['changes']:<4}"
    )


def print_change_row(row: dict) -> None:
    print(
        f"{row['stream']:<21} {row['detector']:<12} {format_score(row['shiftguard'])}   "
        f"{format_score(row.get('river'))}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--values", type=int, default=10_000_000, help="values per stream")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of update_many")
    parser.add_argument("--seeds", type=int, default=3, help="seeded streams per change-point kind")
    parser.add_argument("--only", nargs="+", metavar="DETECTOR", help="run these detectors only")
    parser.add_argument("--skip-change-points", action="store_true", help="throughput only")
    args = parser.parse_args()
    n, river_scale, seeds = args.values, 1.0, args.seeds
    if args.quick:
        n, river_scale, seeds = 200_000, 0.05, 1

    import river

    print(f"shiftguard {shiftguard.__version__}, river {river.__version__}, NumPy {np.__version__}, "
          f"Python {platform.python_version()}")
    print(f"machine: {cpu_model()}, {len(os.sched_getaffinity(0))} usable cores; "
          f"{datetime.date.today().isoformat()}")
    pairs = [p for p in detector_pairs() if not args.only or p.name in args.only]

    print(f"\n== Throughput (values/s); shiftguard update_many over {n:,} values, "
          "river and shiftguard update() in a Python loop over a prefix")
    print(f"{'detector':<12} {'update_many':>14} {'river loop':>12} {'ratio':>10} "
          f"{'update loop':>12} {'ratio':>9}  same detections")
    bench_throughput(pairs, n, args.repeat, river_scale)

    if args.skip_change_points:
        return 0
    print(f"\n== Change points: {N_SEGMENTS} segments of {SEGMENT:,} values, {seeds} seeded "
          "stream(s) per kind")
    print(f"{'stream':<21} {'detector':<12} {'shiftguard: delay  FA/100k  missed':>34}   "
          f"{'river: delay  FA/100k  missed':>30}")
    bench_change_points(pairs, seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
