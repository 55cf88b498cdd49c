#!/usr/bin/env python3
"""Benchmark of shiftguard.validate integrity checks against pandas, cleanlab and NumPy.

One process, identical seeded data (``--rows``, default 1,000,000):

* exact duplicates: a table of 1,000,000 rows x 6 columns (3 float64 with few distinct values
  and NaN, 1 int64, 1 string object column, 1 categorical), about a third of the rows
  duplicated; ``shiftguard.validate.find_duplicates(df).duplicated`` against
  ``df.duplicated(keep=False)`` (the encoding of the DataFrame into codes is included);
* label issues: 1,000,000 examples x 5 classes of softmax probabilities with 20% of labels
  flipped; ``shiftguard.validate.find_label_issues`` against
  ``cleanlab.filter.find_label_issues`` (default filter_by='prune_by_noise_rate', n_jobs=1
  and the default), masks checked equal when both compute the same confident joint;
* outliers: 1,000,000 x 8 float64 (Student t, 3 degrees of freedom); robust z-score by
  ``find_outliers`` against NumPy (``np.median`` of the values and of absolute deviations,
  then the comparison), and IQR against ``np.quantile`` + comparison; rows checked equal.

Each call is repeated (``--repeat``, default 5); medians and ratios ``peer / shiftguard``
(above 1: shiftguard is faster) are printed with the machine and versions.

Usage::

    python benchmarks/bench_validate_integrity.py            # 1,000,000 rows
    python benchmarks/bench_validate_integrity.py --quick    # 100,000 rows, 3 repetitions
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time
import warnings
from typing import Any, Callable

import cleanlab
import numpy as np
import pandas as pd
import shiftguard
from _machine import cpu_model
from cleanlab.filter import find_label_issues as cl_find_label_issues
from shiftguard import validate

SEED = 20261124


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def row(name: str, ours: float, peer: float, peer_name: str) -> None:
    print(f"{name:<34} shiftguard {ours * 1e3:9.1f} ms   {peer_name} {peer * 1e3:9.1f} ms   "
          f"ratio {peer / ours:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeat = 100_000, 3
    n = args.rows
    rng = np.random.default_rng(SEED)
    print(f"shiftguard {shiftguard.__version__}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"cleanlab {cleanlab.__version__}, Python {platform.python_version()}")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; {datetime.date.today()}; rows {n}, "
          f"repeat {args.repeat}")

    # ---- duplicates
    base = n * 2 // 3
    df = pd.DataFrame(
        {
            "f0": rng.choice([0.0, 1.5, 2.25, np.nan], base),
            "f1": rng.normal(size=base).round(1),
            "f2": rng.integers(0, 50, base) / 4.0,
            "i": rng.integers(0, 1000, base),
            "s": rng.choice([f"city-{k}" for k in range(200)], base).astype(object),
            "c": pd.Categorical(rng.choice(list("abcdefgh"), base)),
        }
    )
    df = pd.concat([df, df.sample(n - base, random_state=1)], ignore_index=True)
    ours, mask = timed(lambda: validate.find_duplicates(df).duplicated, args.repeat)
    peer, expected = timed(lambda: df.duplicated(keep=False).to_numpy(), args.repeat)
    assert np.array_equal(mask, expected)
    row("duplicates (6 columns)", ours, peer, "pandas")

    # ---- label issues
    k = 5
    truth = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), truth] += 2.0
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    labels = truth.copy()
    flip = rng.random(n) < 0.2
    labels[flip] = (truth[flip] + rng.integers(1, k, flip.sum())) % k
    ours, mask = timed(lambda: validate.find_label_issues(labels, probs), args.repeat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer, expected = timed(lambda: cl_find_label_issues(labels, probs, n_jobs=1), args.repeat)
        peer_default, _ = timed(lambda: cl_find_label_issues(labels, probs), args.repeat)
    print(f"  label issues: {mask.sum()} flagged, {int((mask != expected).sum())} differ from cleanlab")
    row("label issues (5 classes)", ours, peer, "cleanlab n_jobs=1")
    row("label issues (5 classes)", ours, peer_default, "cleanlab default")

    # ---- outliers
    x = rng.standard_t(3, size=(n, 8))
    frame = pd.DataFrame(x, columns=[f"x{j}" for j in range(8)])

    def numpy_robust_z():
        median = np.median(x, axis=0)
        mad = np.median(np.abs(x - median), axis=0)
        return np.abs(x - median) / (1.4826 * mad) > 3.5

    def numpy_iqr():
        q1, q3 = np.quantile(x, [0.25, 0.75], axis=0)
        iqr = q3 - q1
        return (x < q1 - 1.5 * iqr) | (x > q3 + 1.5 * iqr)

    for method, peer_function in (("robust_z", numpy_robust_z), ("iqr", numpy_iqr)):
        ours, result = timed(lambda: validate.find_outliers(frame, method), args.repeat)
        peer, expected = timed(peer_function, args.repeat)
        for j in range(8):
            assert np.array_equal(result.rows[f"x{j}"], np.flatnonzero(expected[:, j]))
        row(f"outliers {method} (8 columns)", ours, peer, "NumPy")


if __name__ == "__main__":
    main()
