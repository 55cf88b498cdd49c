#!/usr/bin/env python3
"""Benchmark of shiftguard.validate.profile against pandas.DataFrame.describe.

One process, one seeded float64 DataFrame of ``--rows`` x 20 columns (default: 1,000,000
and 10,000,000 rows, a single float64 block, 1% NaN). Peer: ``df.describe(percentiles=[.25,
.5, .75])`` (count, mean, std, min, quartiles, max: the same statistics the profile holds,
which adds a quantile sketch, a distinct count, missing/infinite counts, and merges).

Printed per size: the median of ``--repeat`` runs (default 3) of each, the ratio
describe / profile (above 1: shiftguard is faster; target >= 3 at 10M rows), the profile's
throughput in GB/s of input, the machine's memory read bandwidth measured here on the same
data (``np.sum`` of the whole block on one thread, and on all cores in row slices), the peak
resident memory added during each call (sampled every 5 ms), and the size of the profile in
bytes (bounded by the sketches: the same at 1M and 10M rows). Also the per-value cost of
each sketch, timed alone on one column (moments, KLL, HyperLogLog hashing), to show where
the time goes.

Usage::

    python benchmarks/bench_validate_profile.py                 # 1M and 10M rows
    python benchmarks/bench_validate_profile.py --rows 1000000  # one size
    python benchmarks/bench_validate_profile.py --quick         # 200k rows, 3 repeats
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import threading
import time
from typing import Any, Callable

import numpy as np
import pandas as pd
import shiftguard
from _machine import cpu_model
from shiftguard.validate import profile

SEED = 20261124
N_COLUMNS = 20


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Peak resident set size above the starting point, sampled every 5 ms."""

    def __enter__(self):
        self.start = rss_bytes()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def added(self) -> int:
        return self.peak - self.start


def timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any, int]:
    times = []
    result = None
    peak = 0
    for _ in range(repeat):
        with PeakMemory() as memory:
            start = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - start)
        peak = max(peak, memory.added)
    return times, result, peak


def read_bandwidth(block: np.ndarray, repeat: int) -> tuple[float, float]:
    """GB/s of np.sum over the whole 2-D block: one thread, and all cores in row slices."""
    nbytes = block.nbytes
    one = []
    for _ in range(repeat):
        start = time.perf_counter()
        block.sum()
        one.append(time.perf_counter() - start)
    n_threads = os.cpu_count() or 1
    edges = np.linspace(0, block.shape[0], n_threads + 1).astype(int)
    many = []
    for _ in range(repeat):
        threads = [
            threading.Thread(target=lambda a=a, b=b: block[a:b].sum())
            for a, b in zip(edges[:-1], edges[1:])
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        many.append(time.perf_counter() - start)
    return nbytes / min(one) / 1e9, nbytes / min(many) / 1e9


def sketch_costs(column: np.ndarray) -> dict[str, float]:
    """Nanoseconds per value of profiling one column on one thread with the default KLL
    (k=200), the cheapest (k=8: what the rest of the profile costs) and k=2000: the difference
    is the quantile sketch's share. benchmarks/cpp/bench_validate_profile.cpp times each
    sketch alone."""
    frame = pd.DataFrame({"x": column})
    out = {}
    for label, kwargs in (
        ("default (k=200, p=12)", {}),
        ("k=8 (cheapest KLL)", {"quantile_k": 8}),
        ("k=2000", {"quantile_k": 2000}),
    ):
        times, _, _ = timed(lambda: profile(frame, n_jobs=1, **kwargs), 3)
        out[label] = min(times) / column.size * 1e9
    return out


def run(n_rows: int, repeat: int) -> None:
    rng = np.random.default_rng(SEED)
    data = rng.normal(size=(N_COLUMNS, n_rows))  # C-order (20, n): one float64 block
    data[rng.random(data.shape) < 0.01] = np.nan
    frame = pd.DataFrame(data.T, columns=[f"c{j}" for j in range(N_COLUMNS)], copy=False)
    assert frame._mgr.nblocks == 1
    nbytes = frame.to_numpy(copy=False).nbytes
    print(f"\n== {n_rows:,} rows x {N_COLUMNS} float64 columns ({nbytes / 1e9:.2f} GB) ==")

    p_times, p, p_peak = timed(lambda: profile(frame), repeat)
    d_times, described, d_peak = timed(
        lambda: frame.describe(percentiles=[0.25, 0.5, 0.75]), repeat
    )
    p_med, d_med = statistics.median(p_times), statistics.median(d_times)
    one, many = read_bandwidth(frame.to_numpy(copy=False), repeat)
    print(f"profile(df):  median {p_med:8.3f} s   best {min(p_times):8.3f} s   "
          f"runs {', '.join(f'{t:.3f}' for t in p_times)}")
    print(f"describe():   median {d_med:8.3f} s   best {min(d_times):8.3f} s   "
          f"runs {', '.join(f'{t:.3f}' for t in d_times)}")
    print(f"ratio describe / profile: median {d_med / p_med:6.2f}x   best "
          f"{min(d_times) / min(p_times):6.2f}x")
    print(f"profile throughput: {nbytes / p_med / 1e9:6.3f} GB/s (median), "
          f"{nbytes / min(p_times) / 1e9:6.3f} GB/s (best)")
    print(f"memory read bandwidth (np.sum): {one:6.2f} GB/s one thread, {many:6.2f} GB/s "
          f"{os.cpu_count()} threads")
    print(f"peak memory added: profile {p_peak / 1e6:9.1f} MB, describe {d_peak / 1e6:9.1f} MB")
    size = len(p.to_bytes())
    print(f"profile size: {size:,} bytes ({size / N_COLUMNS:,.0f} per column)")
    # the two agree
    for name in ("c0", "c19"):
        assert p[name].count == described.loc["count", name]
        assert abs(p[name].mean - described.loc["mean", name]) <= 1e-9
        assert abs(p[name].std - described.loc["std", name]) <= 1e-9
        assert p[name].min == described.loc["min", name]
        assert abs(p[name].quantile(0.5) - described.loc["50%", name]) < 0.05
    costs = sketch_costs(data[0].copy())
    print("one column, one thread, ns per value: " +
          ", ".join(f"{k}: {v:.1f}" for k, v in costs.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = args.rows or ([200_000] if args.quick else [1_000_000, 10_000_000])
    print("shiftguard.validate.profile vs pandas.DataFrame.describe")
    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"shiftguard {shiftguard.__version__}")
    for n_rows in sizes:
        run(n_rows, args.repeat)


if __name__ == "__main__":
    main()
