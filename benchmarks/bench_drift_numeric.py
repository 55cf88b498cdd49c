#!/usr/bin/env python3
"""Benchmark of shiftguard's numeric two-sample tests against SciPy's.

For each test (Cramér-von Mises, k-sample Anderson-Darling with two samples, Mann-Whitney U,
Welch's t) both libraries run on identical seeded data, one column of 100,000 reference and
100,000 current values by default, over several columns (a fresh pair per column, as a
feature-wise drift check does). Each side is repeated and the median time per column is
reported with the ratio ``SciPy median / shiftguard median`` (above 1: shiftguard is
faster). Statistics and p-values are compared with SciPy's as a sanity check (1e-8
relative; a mismatch is printed, not fatal).

shiftguard sorts each sample once (radix sort) and takes every rank from one merge of the two
sorted samples, O(n) after sorting; SciPy ranks the pooled sample (argsort) per call, and
anderson_ksamp searches the pooled sample once per distinct value and sample.

Usage::

    python benchmarks/bench_drift_numeric.py              # 100,000 x 100,000, 5 columns
    python benchmarks/bench_drift_numeric.py --quick      # 10,000 x 10,000, smoke run
    python benchmarks/bench_drift_numeric.py --n 50000 --columns 3 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time
import warnings

import numpy as np
from _machine import cpu_model
import scipy
import scipy.stats

import shiftguard
from shiftguard import drift

SEED = 20261123



def scipy_anderson(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # capped / floored p-value warnings
        return scipy.stats.anderson_ksamp([a, b], variant="midrank")


TESTS = {
    "cramervonmises_2samp": (
        lambda a, b: drift.cramervonmises_2samp(a, b),
        lambda a, b: scipy.stats.cramervonmises_2samp(a, b),
    ),
    "anderson_ksamp (2 samples, midrank)": (
        lambda a, b: drift.anderson_ksamp([a, b], variant="midrank"),
        scipy_anderson,
    ),
    "mannwhitneyu": (
        lambda a, b: drift.mannwhitneyu(a, b),
        lambda a, b: scipy.stats.mannwhitneyu(a, b),
    ),
    "ttest_welch": (
        lambda a, b: drift.ttest_welch(a, b),
        lambda a, b: scipy.stats.ttest_ind(a, b, equal_var=False),
    ),
}


def make_columns(n: int, columns: int, ties: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(SEED)
    pairs = []
    for column in range(columns):
        a = rng.normal(size=n)
        b = rng.normal(0.01 * column, 1.0 + 0.02 * column, size=n)
        if ties:
            a, b = np.round(a, 2), np.round(b, 2)
        pairs.append((a, b))
    return pairs


def time_per_column(function, pairs, repeat: int) -> tuple[float, list]:
    results = [function(a, b) for a, b in pairs]  # warm-up, and the values to compare
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for a, b in pairs:
            function(a, b)
        timings.append((time.perf_counter() - start) / len(pairs))
    return statistics.median(timings), results


def close(x: float, y: float) -> bool:
    if x == y:
        return True
    return abs(x - y) <= 1e-8 * max(abs(x), abs(y)) or abs(x - y) <= 1e-14


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="values per sample")
    parser.add_argument("--columns", type=int, default=5, help="columns (sample pairs)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (median reported)")
    parser.add_argument("--quick", action="store_true", help="10,000 values, 2 columns, 3 runs")
    args = parser.parse_args()
    if args.quick:
        args.n, args.columns, args.repeat = 10_000, 2, 3

    print("shiftguard numeric two-sample tests vs SciPy")
    print(f"date      {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine   {cpu_model()}, {os.cpu_count()} logical CPUs, {platform.platform()}")
    print(f"versions  python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, shiftguard {shiftguard.__version__}")
    print(f"data      {args.n:,} x {args.n:,} values per column, {args.columns} columns, "
          f"median of {args.repeat} runs, float64")
    print()
    header = f"{'test':38s} {'data':10s} {'shiftguard':>12s} {'scipy':>12s} {'ratio':>8s}  check"
    print(header)
    print("-" * len(header))
    for ties in (False, True):
        pairs = make_columns(args.n, args.columns, ties)
        for name, (ours, theirs) in TESTS.items():
            ours_time, ours_results = time_per_column(ours, pairs, args.repeat)
            scipy_time, scipy_results = time_per_column(theirs, pairs, args.repeat)
            agree = all(
                close(float(o.statistic), float(s.statistic))
                and close(float(o.pvalue), float(s.pvalue))
                for o, s in zip(ours_results, scipy_results)
            )
            print(
                f"{name:38s} {'ties' if ties else 'continuous':10s} "
                f"{ours_time * 1e3:10.2f}ms {scipy_time * 1e3:10.2f}ms "
                f"{scipy_time / ours_time:7.1f}x  {'same' if agree else 'MISMATCH'}"
            )
    print()
    print("ratio = SciPy median / shiftguard median per column (above 1: shiftguard faster)")


if __name__ == "__main__":
    main()
