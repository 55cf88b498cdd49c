#!/usr/bin/env python3
"""Benchmark of shiftguard's distance scores and categorical tests against SciPy/NumPy.

One process, identical seeded data, 100,000 reference and 100,000 current rows per column
(``--rows``). For each score the peer is what a user writes today:

* energy / Wasserstein distance: ``scipy.stats.energy_distance`` / ``wasserstein_distance``;
* PSI, Jensen-Shannon, KL, Hellinger: NumPy quantile bins (``np.quantile``, ``np.unique``),
  ``np.searchsorted`` + ``np.bincount`` histograms, then the formula (Jensen-Shannon through
  ``scipy.spatial.distance.jensenshannon``), i.e. the plain NumPy code of the tests;
* chi-square / G test on integer codes: ``np.unique`` counts on the union, then
  ``scipy.stats.chi2_contingency``; on strings: ``pandas.factorize`` + the same.

Each measurement is repeated (``--repeat``, default 15); the median is printed with the ratio
``peer median / shiftguard median`` (above 1: shiftguard is faster), then the best run and
its ratio (the better estimate on a shared, loaded machine), and the results are checked to
agree. Single-threaded on both sides (these scores are per column; the
feature-wise detector parallelises over columns).

Usage::

    python benchmarks/bench_drift_scores.py            # 100,000 rows, 15 repetitions
    python benchmarks/bench_drift_scores.py --quick    # 10,000 rows, 3 repetitions
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import time
from typing import Any, Callable

import numpy as np
from _machine import cpu_model
import pandas as pd
import scipy
import shiftguard
from scipy import stats
from scipy.spatial.distance import jensenshannon
from shiftguard import drift

SEED = 20261123



def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median and minimum wall time of `repeat` calls, and the last value."""
    times = []
    value = None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), value


# --- the NumPy/SciPy peers -------------------------------------------------------------


def numpy_histograms(ref: np.ndarray, cur: np.ndarray, n_bins: int = 10):
    edges = np.unique(np.quantile(ref, np.arange(1, n_bins) / n_bins))
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=edges.size + 1)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=edges.size + 1)
    return ref_counts, cur_counts


def numpy_psi(ref, cur, epsilon=1e-4):
    r, c = numpy_histograms(ref, cur)
    r = np.maximum(r / r.sum(), epsilon)
    c = np.maximum(c / c.sum(), epsilon)
    return float(np.sum((c - r) * np.log(c / r)))


def numpy_kl(ref, cur, epsilon=1e-4):
    r, c = numpy_histograms(ref, cur)
    r = np.maximum(r / r.sum(), epsilon)
    c = np.maximum(c / c.sum(), epsilon)
    return float(np.sum(c * np.log(c / r)))


def numpy_hellinger(ref, cur):
    r, c = numpy_histograms(ref, cur)
    return float(np.sqrt(np.sum((np.sqrt(r / r.sum()) - np.sqrt(c / c.sum())) ** 2) / 2))


def scipy_jensen_shannon(ref, cur):
    r, c = numpy_histograms(ref, cur)
    return float(jensenshannon(r, c, base=2))


def scipy_categorical(ref_codes, cur_codes, lambda_=None):
    categories = np.union1d(np.unique(ref_codes), np.unique(cur_codes))
    ref_counts = np.bincount(np.searchsorted(categories, ref_codes), minlength=categories.size)
    cur_counts = np.bincount(np.searchsorted(categories, cur_codes), minlength=categories.size)
    result = stats.chi2_contingency(
        np.vstack([ref_counts, cur_counts]), correction=False, lambda_=lambda_
    )
    return float(result.statistic)


def scipy_categorical_strings(ref, cur):
    codes, _ = pd.factorize(np.concatenate([ref, cur]))
    return scipy_categorical(codes[: ref.size], codes[ref.size :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows, repeat = (10_000, 3) if args.quick else (args.rows, args.repeat)

    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}")
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical cores, {platform.platform()}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__},"
        f" pandas {pd.__version__}, shiftguard {shiftguard.__version__}"
    )
    print(f"rows per sample: {rows:,} (reference and current), median of {repeat} runs\n")

    rng = np.random.default_rng(SEED)
    ref = rng.normal(size=rows)
    cur = rng.normal(0.1, 1.1, size=rows)
    probabilities = np.array([0.3, 0.25, 0.2, 0.1, 0.08, 0.04, 0.02, 0.01])
    ref_codes = rng.choice(8, size=rows, p=probabilities).astype(np.int64)
    cur_codes = rng.choice(8, size=rows, p=np.roll(probabilities, 1)).astype(np.int64)
    labels = np.array([f"category_{k}" for k in range(8)], dtype=object)
    ref_strings, cur_strings = labels[ref_codes], labels[cur_codes]

    cases = [
        (
            "energy distance",
            lambda: float(drift.energy_distance(ref, cur)),
            lambda: stats.energy_distance(ref, cur),
        ),
        (
            "wasserstein distance",
            lambda: float(drift.wasserstein_distance(ref, cur)),
            lambda: stats.wasserstein_distance(ref, cur),
        ),
        ("psi (10 quantile bins)", lambda: float(drift.psi(ref, cur)), lambda: numpy_psi(ref, cur)),
        (
            "jensen-shannon (binned)",
            lambda: float(drift.jensen_shannon(ref, cur)),
            lambda: scipy_jensen_shannon(ref, cur),
        ),
        (
            "kl divergence (binned)",
            lambda: float(drift.kl_divergence(ref, cur)),
            lambda: numpy_kl(ref, cur),
        ),
        (
            "hellinger (binned)",
            lambda: float(drift.hellinger(ref, cur)),
            lambda: numpy_hellinger(ref, cur),
        ),
        (
            "chi-square, int codes",
            lambda: drift.chi2_homogeneity(ref_codes, cur_codes).statistic,
            lambda: scipy_categorical(ref_codes, cur_codes),
        ),
        (
            "g-test, int codes",
            lambda: drift.g_test(ref_codes, cur_codes).statistic,
            lambda: scipy_categorical(ref_codes, cur_codes, "log-likelihood"),
        ),
        (
            "chi-square, strings",
            lambda: drift.chi2_homogeneity(ref_strings, cur_strings).statistic,
            lambda: scipy_categorical_strings(ref_strings, cur_strings),
        ),
    ]
    print(f"load average before: {os.getloadavg()[0]:.1f} (timings are noisy when it is high)")
    print(
        f"{'score':<26} {'shiftguard ms':>14} {'peer ms':>10} {'ratio':>7}"
        f" {'best ms':>9} {'peer best':>10} {'ratio':>7}  agree"
    )
    for name, ours, peer in cases:
        ours_median, ours_best, ours_value = timed(ours, repeat)
        peer_median, peer_best, peer_value = timed(peer, repeat)
        agree = math.isclose(ours_value, peer_value, rel_tol=1e-8, abs_tol=1e-14)
        print(
            f"{name:<26} {ours_median * 1e3:>14.2f} {peer_median * 1e3:>10.2f}"
            f" {peer_median / ours_median:>7.1f} {ours_best * 1e3:>9.2f} {peer_best * 1e3:>10.2f}"
            f" {peer_best / ours_best:>7.1f}  {'yes' if agree else 'NO'}"
        )


if __name__ == "__main__":
    main()
