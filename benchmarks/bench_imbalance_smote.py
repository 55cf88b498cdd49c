#!/usr/bin/env python3
"""Benchmark of shiftguard's SMOTE family against imbalanced-learn, in one process.

Data: 100,000 rows x 20 features (float64), 1% minority class (two Gaussian blobs one unit
apart, seeded). Each sampler runs ``fit_resample`` with its default parameters and
``random_state=0`` on identical data, shiftguard first then imbalanced-learn, ``--repeat``
times; the median wall time is reported with the ratio ``imblearn / shiftguard`` (above 1:
shiftguard is faster). Both return the same number of rows (checked).

SMOTETomek and SMOTEENN clean the ~198,000 rows SMOTE produces with an all-pairs neighbour
search, which takes minutes on 2 cores for either library; they run on a smaller data set
(``--combine-rows``, default 20,000 rows x 20 features, 1% minority) and only when
shiftguard has them (``shiftguard.imbalance.SMOTETomek``).

Usage::

    python benchmarks/bench_imbalance_smote.py             # full run
    python benchmarks/bench_imbalance_smote.py --quick     # 20,000 rows, 1 repeat
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

import shiftguard
from shiftguard import imbalance as sg

SEED = 20261123


def make_data(n_rows, n_features, minority_fraction, seed=SEED):
    rng = np.random.default_rng(seed)
    n_minority = int(round(n_rows * minority_fraction))
    y = np.zeros(n_rows, dtype=np.int64)
    y[rng.choice(n_rows, n_minority, replace=False)] = 1
    X = rng.normal(size=(n_rows, n_features)) + y[:, None] * 1.0
    return X, y


def timed(fn, repeat):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--combine-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.quick:
        args.rows, args.combine_rows, args.repeat = 20_000, 5_000, 1
    warnings.filterwarnings("ignore")

    import imblearn
    import sklearn
    from imblearn import combine as imb_combine
    from imblearn import over_sampling as imb_over

    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"versions: shiftguard {shiftguard.__version__}, imbalanced-learn {imblearn.__version__},"
        f" scikit-learn {sklearn.__version__}, numpy {np.__version__}"
    )
    print(f"shiftguard threads: {args.threads}; repeats: {args.repeat} (median)")
    print("note: the machine may be shared; compare ratios, not absolute times")

    X, y = make_data(args.rows, args.features, 0.01)
    print(f"\ndata: {X.shape[0]} x {X.shape[1]} float64, minority {int(y.sum())} rows")
    rows = [
        ("SMOTE", sg.SMOTE, imb_over.SMOTE, {}),
        ("BorderlineSMOTE-1", sg.BorderlineSMOTE, imb_over.BorderlineSMOTE, {}),
        ("BorderlineSMOTE-2", sg.BorderlineSMOTE, imb_over.BorderlineSMOTE,
         {"kind": "borderline-2"}),
        ("ADASYN", sg.ADASYN, imb_over.ADASYN, {}),
    ]
    combos = []
    if hasattr(sg, "SMOTETomek"):
        combos = [
            ("SMOTETomek", sg.SMOTETomek, imb_combine.SMOTETomek, {}),
            ("SMOTEENN", sg.SMOTEENN, imb_combine.SMOTEENN, {}),
        ]
    def threads(cls):
        # The over-samplers take n_threads; the combined ones imbalanced-learn's n_jobs.
        name = "n_jobs" if "n_jobs" in cls().get_params() else "n_threads"
        return {name: args.threads}

    header = f"{'sampler':<20}{'rows out':>10}{'shiftguard s':>14}{'imblearn s':>12}{'ratio':>8}"

    def run(table, X, y):
        print(header)
        for name, ours, theirs, extra in table:
            ours_time, ours_out = timed(
                lambda: ours(random_state=0, **threads(ours), **extra).fit_resample(X, y),
                args.repeat,
            )
            theirs_time, theirs_out = timed(
                lambda: theirs(random_state=0, **extra).fit_resample(X, y), args.repeat
            )
            same = len(ours_out[1]) == len(theirs_out[1])
            print(
                f"{name:<20}{len(ours_out[1]):>10}{ours_time:>14.4f}{theirs_time:>12.4f}"
                f"{theirs_time / ours_time:>8.2f}" + ("" if same else
                                                       f"  (imblearn: {len(theirs_out[1])} rows)")
            )

    run(rows, X, y)
    if combos:
        Xc, yc = make_data(args.combine_rows, args.features, 0.01, seed=SEED + 1)
        print(f"\ndata: {Xc.shape[0]} x {Xc.shape[1]} float64, minority {int(yc.sum())} rows")
        run(combos, Xc, yc)


if __name__ == "__main__":
    main()
