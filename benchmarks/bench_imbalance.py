#!/usr/bin/env python3
"""Benchmark of shiftguard's resamplers against imbalanced-learn on the same data in one
process: medians over ``--repeat`` runs, ratio = imbalanced-learn / shiftguard, and the
memory peak of the exact neighbour search (measured as the peak-RSS increase of a fresh
subprocess, since tracemalloc does not see C++ allocations; the neighbour search's own
distance buffer is also printed, computed from its block size).

Data: ``--rows`` rows (default 100,000) x ``--features`` (default 20) from
sklearn.datasets.make_classification with a ``--minority`` share (default 1%) of class 1,
seeded. Both libraries get the same float64 array. shiftguard runs on all cores
(n_jobs=None); imbalanced-learn with its defaults (scikit-learn's neighbour search uses all
cores through OpenMP). Every pair of results is checked to be equal (same kept rows) or, for
the random samplers, to have the same class counts.

The resamplers timed are listed in SAMPLERS below (name, shiftguard factory, imbalanced-learn
factory, how to compare); the SMOTE family adds its entries there.

Usage::

    python benchmarks/bench_imbalance.py                  # 100k x 20, 1% minority
    python benchmarks/bench_imbalance.py --quick          # 20k x 20, smoke run
    python benchmarks/bench_imbalance.py --only TomekLinks EditedNearestNeighbours
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
from _machine import cpu_model

SEED = 20261123


def _pairs():
    from imblearn import over_sampling as imb_over
    from imblearn import under_sampling as imb_under
    from shiftguard import imbalance as sg

    # (name, shiftguard factory, imbalanced-learn factory, comparison: "rows" or "counts")
    return [
        ("TomekLinks", sg.TomekLinks, imb_under.TomekLinks, "rows"),
        ("EditedNearestNeighbours", sg.EditedNearestNeighbours,
         imb_under.EditedNearestNeighbours, "rows"),
        ("NearMiss-1", lambda: sg.NearMiss(version=1), lambda: imb_under.NearMiss(version=1),
         "rows"),
        ("NearMiss-2", lambda: sg.NearMiss(version=2), lambda: imb_under.NearMiss(version=2),
         "rows"),
        ("NearMiss-3", lambda: sg.NearMiss(version=3), lambda: imb_under.NearMiss(version=3),
         "rows"),
        ("RandomUnderSampler", lambda: sg.RandomUnderSampler(random_state=0),
         lambda: imb_under.RandomUnderSampler(random_state=0), "rows"),
        ("RandomOverSampler", lambda: sg.RandomOverSampler(random_state=0),
         lambda: imb_over.RandomOverSampler(random_state=0), "rows"),
        # SMOTE family: appended here by its part (same tuple layout, comparison "counts").
    ]


SAMPLERS = _pairs


def make_data(rows: int, features: int, minority: float):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=rows, n_features=features, n_informative=min(features, 10),
        n_redundant=min(features - min(features, 10), 5), weights=[1 - minority],
        flip_y=0, random_state=SEED,
    )
    return np.ascontiguousarray(X, dtype=np.float64), y


def timed(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _status_mib(field: str) -> float:
    with open("/proc/self/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0  # kB -> MiB
    raise RuntimeError(f"no {field} in /proc/self/status")


def _memory_child(args) -> None:
    """Runs in a subprocess: peak-RSS increase of one neighbour search (k=3, self excluded):
    the peak (VmHWM) is reset through /proc/self/clear_refs just before the call, so the
    figure is the call's own peak above the resident size it started from."""
    X, _ = make_data(args.rows, args.features, args.minority)
    if args.memory_child == "shiftguard":
        from shiftguard.imbalance import kneighbors

        def search():
            kneighbors(X, 3)
    else:
        from sklearn.neighbors import NearestNeighbors

        nn = NearestNeighbors(n_neighbors=3).fit(X)

        def search():
            nn.kneighbors()
    with open("/proc/self/clear_refs", "w", encoding="utf-8") as handle:
        handle.write("5")
    before = _status_mib("VmRSS")
    search()
    print(_status_mib("VmHWM") - before)


def peak_memory_mib(which: str, args) -> float:
    command = [sys.executable, __file__, "--memory-child", which, "--rows", str(args.rows),
               "--features", str(args.features), "--minority", str(args.minority)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--minority", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-repeat", type=int, default=1,
                        help="runs of imbalanced-learn (slow; default 1)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.rows = min(args.rows, 20_000)
    if args.memory_child:
        _memory_child(args)
        return 0

    import imblearn
    import shiftguard
    import sklearn
    from shiftguard import _core

    print(f"bench_imbalance  {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()}; "
          f"load average {os.getloadavg()[0]:.1f} (other jobs share the machine)")
    print(f"versions: shiftguard {shiftguard.__version__}, imbalanced-learn "
          f"{imblearn.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
          f"python {platform.python_version()}")
    X, y = make_data(args.rows, args.features, args.minority)
    print(f"data: {X.shape[0]} rows x {X.shape[1]} features, class counts "
          f"{np.bincount(y).tolist()}, seed {SEED}; shiftguard repeats {args.repeat}, "
          f"imbalanced-learn repeats {args.peer_repeat}")
    print()
    print(f"{'sampler':<26}{'shiftguard s':>14}{'imblearn s':>14}{'ratio':>9}  check")
    status = 0
    for name, ours_factory, theirs_factory, compare in SAMPLERS():
        if args.only and name not in args.only:
            continue
        ours_time, ours = timed(lambda: _run(ours_factory, X, y), args.repeat)
        theirs_time, theirs = timed(lambda: _run(theirs_factory, X, y), args.peer_repeat)
        if compare == "rows":
            same = np.array_equal(ours[2], theirs[2])
            check = "same rows" if same else "ROWS DIFFER"
        else:
            same = np.array_equal(np.bincount(ours[1]), np.bincount(theirs[1]))
            check = "same counts" if same else "COUNTS DIFFER"
        status |= not same
        print(f"{name:<26}{ours_time:>14.3f}{theirs_time:>14.3f}{theirs_time / ours_time:>8.1f}x"
              f"  {check}", flush=True)
    if not args.no_memory:
        print()
        threads = os.cpu_count() or 1
        buffer = _core.kneighbors_buffer_bytes(X.shape[0]) / 2**20
        print(f"neighbour search memory (k=3 over all rows): distance buffer {buffer:.1f} MiB "
              f"per thread x {threads} threads (blocked, never n x n = "
              f"{X.shape[0] ** 2 * 8 / 2**30:.0f} GiB)")
        for which in ("shiftguard", "sklearn"):
            print(f"  peak RSS increase, {which:<10}: {peak_memory_mib(which, args):8.1f} MiB",
                  flush=True)
    return status


def _run(factory, X, y):
    sampler = factory()
    X_res, y_res = sampler.fit_resample(X, y)
    return X_res, y_res, getattr(sampler, "sample_indices_", None)


if __name__ == "__main__":
    sys.exit(main())
