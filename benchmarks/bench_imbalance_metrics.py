#!/usr/bin/env python3
"""Benchmark of shiftguard.imbalance metrics against scikit-learn on the same data.

One process, identical seeded data: 1,000,000 samples (``--rows``), binary labels with a 5%
minority class (integer codes), predictions that are right 80% of the time, float64 scores
with ties (rounded to 3 decimals) for the ranking metrics, and a 5-class case for the
one-vs-rest ROC AUC. Timed calls (each the whole public function, argument checking
included): confusion matrix, F1 (binary and macro over 5 classes), Matthews correlation,
ROC AUC (binary and 5-class one-vs-rest macro), average precision. Each call is repeated
(``--repeat``, default 7); the median and the best run are printed with the ratio
``scikit-learn / shiftguard`` (above 1: shiftguard is faster), and the results are checked to
agree to 1e-10.

Usage::

    python benchmarks/bench_imbalance_metrics.py           # 1,000,000 rows, 7 repetitions
    python benchmarks/bench_imbalance_metrics.py --quick   # 100,000 rows, 3 repetitions
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
import sklearn
from _machine import cpu_model
from shiftguard import imbalance as sg
from sklearn import metrics as sk

SEED = 20261123


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeat = 100_000, 3

    rng = np.random.default_rng(SEED)
    n = args.rows
    y_true = (rng.random(n) < 0.05).astype(np.int64)
    y_pred = np.where(rng.random(n) < 0.8, y_true, 1 - y_true)
    scores = np.round(rng.normal(size=n) + 1.5 * y_true, 3)
    y_multi = rng.choice(5, size=n, p=[0.6, 0.2, 0.1, 0.07, 0.03])
    y_multi_pred = np.where(rng.random(n) < 0.7, y_multi, rng.integers(0, 5, n))
    logits = rng.normal(size=(n, 5)) + 1.2 * np.eye(5)[y_multi]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)

    cases = [
        ("confusion_matrix (binary)",
         lambda: sg.confusion_matrix(y_true, y_pred),
         lambda: sk.confusion_matrix(y_true, y_pred)),
        ("confusion_matrix (5 classes)",
         lambda: sg.confusion_matrix(y_multi, y_multi_pred),
         lambda: sk.confusion_matrix(y_multi, y_multi_pred)),
        ("f1_score (binary)",
         lambda: sg.f1_score(y_true, y_pred),
         lambda: sk.f1_score(y_true, y_pred)),
        ("f1_score (5 classes, macro)",
         lambda: sg.f1_score(y_multi, y_multi_pred, average="macro"),
         lambda: sk.f1_score(y_multi, y_multi_pred, average="macro")),
        ("matthews_corrcoef (binary)",
         lambda: sg.matthews_corrcoef(y_true, y_pred),
         lambda: sk.matthews_corrcoef(y_true, y_pred)),
        ("roc_auc_score (binary, ties)",
         lambda: sg.roc_auc_score(y_true, scores),
         lambda: sk.roc_auc_score(y_true, scores)),
        ("roc_auc_score (5 classes, ovr macro)",
         lambda: sg.roc_auc_score(y_multi, proba, multi_class="ovr"),
         lambda: sk.roc_auc_score(y_multi, proba, multi_class="ovr")),
        ("average_precision_score (binary, ties)",
         lambda: sg.average_precision_score(y_true, scores),
         lambda: sk.average_precision_score(y_true, scores)),
    ]

    print(f"shiftguard.imbalance metrics vs scikit-learn, {n:,} samples, {args.repeat} repetitions")
    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}")
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical cores, {platform.system()}; "
          f"load average at start {os.getloadavg()[0]:.1f}")
    print(f"versions: shiftguard {shiftguard.__version__}, scikit-learn {sklearn.__version__}, "
          f"numpy {np.__version__}, python {platform.python_version()}")
    header = (f"{'metric':40s} {'shiftguard':>11s} {'sklearn':>10s} {'ratio':>7s}"
              f" {'best sg':>9s} {'best sk':>9s} {'ratio':>7s}")
    print(header)
    print("-" * len(header))
    for name, ours, theirs in cases:
        median_ours, best_ours, result_ours = timed(ours, args.repeat)
        median_theirs, best_theirs, result_theirs = timed(theirs, args.repeat)
        np.testing.assert_allclose(result_ours, result_theirs, rtol=1e-10, atol=1e-12)
        print(f"{name:40s} {median_ours * 1e3:9.1f}ms {median_theirs * 1e3:8.1f}ms "
              f"{median_theirs / median_ours:6.1f}x {best_ours * 1e3:7.1f}ms "
              f"{best_theirs * 1e3:7.1f}ms {best_theirs / best_ours:6.1f}x")
    print("results agree to 1e-10 in every case")


if __name__ == "__main__":
    main()
