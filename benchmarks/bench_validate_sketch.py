#!/usr/bin/env python3
"""Benchmark of shiftguard's sketches: update throughput (ns per value) and accuracy.

One process, identical seeded data: 10 million float64 values (``--n``), normal. Peers:

* KLL quantiles: ``numpy.quantile`` (exact; sorts/partitions a copy) for 9 deciles, and, when
  installed, Apache DataSketches' ``kll_doubles_sketch(200)`` (C++ with Python bindings);
* distinct count: ``numpy.unique`` (exact; sorts a copy) and DataSketches' ``hll_sketch(12)``.

Each measurement is repeated (``--repeat``, default 5); the median and the best run are
printed with the ratio ``peer / shiftguard`` (above 1: shiftguard faster), along with the
largest rank error of the deciles (against ranks in the sorted data) and the relative error
of the distinct counts. Single-threaded on both sides. The machine is shared with other
jobs: best-of runs are the better estimate.

Usage::

    python benchmarks/bench_validate_sketch.py            # 10 million values, 5 repetitions
    python benchmarks/bench_validate_sketch.py --quick    # 1 million values, 3 repetitions
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time
from typing import Any, Callable

import numpy as np
import shiftguard
from _machine import cpu_model
from shiftguard.validate import HyperLogLog, KLLSketch

SEED = 20261124
DECILES = np.linspace(0.1, 0.9, 9)


CPU_TIMES: dict[str, float] = {}


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median and best wall time; the best CPU time (process_time) goes to CPU_TIMES."""
    times = []
    cpu = []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_TIMES["last"] = min(cpu)
    return statistics.median(times), min(times), result


def rank_error(sorted_x: np.ndarray, qs: np.ndarray, answers: np.ndarray) -> float:
    below = np.searchsorted(sorted_x, answers, side="left")
    at_or_below = np.searchsorted(sorted_x, answers, side="right")
    target = qs * sorted_x.size
    return float(np.max(np.maximum(0, np.maximum(below - target, target - at_or_below))) / sorted_x.size)


def row(name: str, n: int, median: float, best: float, base: tuple[float, float] | None,
        accuracy: str) -> None:
    ratio = ""
    if base is not None:
        ratio = f"{median / base[0]:7.2f}x {best / base[1]:7.2f}x"
    cpu = CPU_TIMES["last"] * 1e9 / n
    print(f"  {name:<44} {median * 1e9 / n:9.2f} {best * 1e9 / n:9.2f} {cpu:9.2f}  {ratio:<18} {accuracy}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n, repeat = (1_000_000, 3) if args.quick else (args.n, args.repeat)

    try:
        import datasketches
    except ImportError:
        datasketches = None

    print(f"bench_validate_sketch  {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, load {os.getloadavg()[0]:.1f}")
    versions = f"Python {platform.python_version()}, NumPy {np.__version__}, shiftguard {shiftguard.__version__}"
    if datasketches is not None:
        from importlib.metadata import version

        versions += f", datasketches {version('datasketches')}"
    print(versions)
    print(f"{n:,} float64 values, {repeat} repetitions; ns/value: wall median, wall best, CPU best;"
          " ratio peer/shiftguard (median, best)")

    rng = np.random.default_rng(SEED)
    x = rng.normal(size=n)
    sorted_x = np.sort(x)

    print("\nquantiles (9 deciles; accuracy = largest rank error of the deciles)")
    kll_median, kll_best, kll = timed(lambda: KLLSketch(200, seed=1).update(x), repeat)
    answers = kll.quantiles(DECILES)
    row("shiftguard KLLSketch(200).update", n, kll_median, kll_best, None,
        f"rank error {rank_error(sorted_x, DECILES, answers):.5f} "
        f"(bound {kll.normalized_rank_error:.4f}), retained {kll.retained}")
    np_median, np_best, exact = timed(lambda: np.quantile(x, DECILES), repeat)
    row("numpy.quantile (exact)", n, np_median, np_best, (kll_median, kll_best), "exact")
    if datasketches is not None:
        def ds_kll() -> Any:
            sketch = datasketches.kll_doubles_sketch(200)
            sketch.update(x)
            return sketch

        ds_median, ds_best, ds = timed(ds_kll, repeat)
        ds_answers = np.array([ds.get_quantile(q) for q in DECILES])
        row("datasketches kll_doubles_sketch(200)", n, ds_median, ds_best, (kll_median, kll_best),
            f"rank error {rank_error(sorted_x, DECILES, ds_answers):.5f} "
            f"(bound {ds.normalized_rank_error(False):.4f}), retained {ds.num_retained}")

    xr = np.round(x * 100_000) / 100_000
    print(f"\ndistinct count (the values rounded to 1e-5: {np.unique(xr).size:,} distinct)")
    hll_median, hll_best, hll = timed(lambda: HyperLogLog(12).update(xr), repeat)
    truth = np.unique(xr).size
    row("shiftguard HyperLogLog(12).update", n, hll_median, hll_best, None,
        f"estimate {hll.estimate():.0f}, exact {truth}, error {hll.estimate() / truth - 1:+.4f}")
    un_median, un_best, _ = timed(lambda: np.unique(xr).size, repeat)
    row("numpy.unique (exact)", n, un_median, un_best, (hll_median, hll_best), "exact")
    if datasketches is not None:
        # hll_sketch.update takes one value per call (no array overload in datasketches 5.2):
        # timed on the first million values in a Python loop, once, and reported per value.
        m = min(n, 1_000_000)
        values = xr[:m].tolist()

        def ds_hll() -> Any:
            sketch = datasketches.hll_sketch(12, datasketches.tgt_hll_type.HLL_8)
            for v in values:
                sketch.update(v)
            return sketch

        dh_median, dh_best, dh = timed(ds_hll, 1)
        sub_truth = np.unique(xr[:m]).size
        row(f"datasketches hll_sketch(12) [{m // 1_000_000}M, loop]", m, dh_median, dh_best,
            (hll_median * m / n, hll_best * m / n),
            f"estimate {dh.get_estimate():.0f}, exact {sub_truth}, "
            f"error {dh.get_estimate() / sub_truth - 1:+.4f}")

if __name__ == "__main__":
    main()
