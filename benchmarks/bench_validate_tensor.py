#!/usr/bin/env python3
"""Benchmark of N-d batch validation: ``shiftguard.validate.validate_tensor`` against the
equivalent NumPy checks, on the same seeded image batch in one process.

The NumPy side computes what validate_tensor reports: per-sample NaN / infinity / out-of-range
flags, blank samples (min == max per sample), per-channel mean and standard deviation over
finite values, and the spread of the per-sample channel means. Two layouts: a C-contiguous
``N x H x W x C`` float32 batch, and the same buffer seen channels-first through a transposed
view (``N x C x H x W``, no copy for shiftguard). Medians of ``--repeat`` runs; ratio = NumPy
median / shiftguard median (above 1: shiftguard is faster).

Usage::

    python benchmarks/bench_validate_tensor.py            # 2000 x 64 x 64 x 3 float32 (98 MB)
    python benchmarks/bench_validate_tensor.py --quick    # 500 x 32 x 32 x 3
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time

import numpy as np
import shiftguard
from _machine import cpu_model
from shiftguard.validate import TensorSchema, describe_tensor, validate_tensor

SEED = 20261124


def timed(fn, repeat):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def numpy_checks(x, channel_axis, low, high):
    """The checks of validate_tensor, written with NumPy reductions."""
    n = x.shape[0]
    sample_axes = tuple(range(1, x.ndim))
    finite = np.isfinite(x)
    has_nan = np.isnan(x).any(axis=sample_axes)
    has_inf = np.isinf(x).any(axis=sample_axes)
    out_of_range = (((x < low) | (x > high)) & finite).any(axis=sample_axes)
    flat = x.reshape(n, -1)
    blank = flat.min(axis=1) == flat.max(axis=1)
    reduce = tuple(a for a in range(x.ndim) if a != channel_axis)
    per_sample = tuple(a for a in sample_axes if a != channel_axis)
    masked = np.where(finite, x, np.nan)
    mean = np.nanmean(masked, axis=reduce, dtype=np.float64)
    std = np.nanstd(masked, axis=reduce, dtype=np.float64)
    spread = np.nanmean(masked, axis=per_sample, dtype=np.float64).std(axis=0, ddof=1)
    return (
        np.flatnonzero(has_nan),
        np.flatnonzero(has_inf),
        np.flatnonzero(out_of_range),
        np.flatnonzero(blank),
        mean,
        std,
        spread,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    n, h, w, c = (500, 32, 32, 3) if args.quick else (2000, 64, 64, 3)
    rng = np.random.default_rng(SEED)
    batch = rng.random((n, h, w, c), dtype=np.float32)
    batch[7, 3, 3, 1] = np.nan
    batch[11, 0, 0, 0] = np.inf
    batch[13] = 0.5
    batch[17, 1, 1, 2] = 2.0

    print("bench_validate_tensor:", datetime.datetime.now(datetime.timezone.utc).isoformat())
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; threads: {args.threads}")
    print(f"shiftguard {shiftguard.__version__}, numpy {np.__version__}")
    print(f"batch: {n} x {h} x {w} x {c} float32 ({batch.nbytes / 1e6:.0f} MB)")
    print(f"{'layout':<32}{'numpy s':>10}{'shiftguard s':>14}{'ratio':>8}")
    layouts = {
        "N x H x W x C (contiguous)": (batch, 3),
        "N x C x H x W (transposed view)": (batch.transpose(0, 3, 1, 2), 1),
    }
    for name, (x, axis) in layouts.items():
        shape = tuple(-1 if a == 0 else s for a, s in enumerate(x.shape))
        summary = describe_tensor(x, channel_axis=axis)
        schema = TensorSchema(
            shape=shape, dtype="float32", channel_axis=axis, minimum=0.0, maximum=1.0,
            channel_mean=tuple(summary.channel_mean), channel_std=tuple(summary.channel_std),
            channel_mean_spread=tuple(summary.channel_mean_spread), reference_samples=n,
        )
        t_numpy, expected = timed(lambda x=x, axis=axis: numpy_checks(x, axis, 0.0, 1.0),
                                  args.repeat)
        t_ours, report = timed(
            lambda x=x, schema=schema: validate_tensor(x, schema, n_threads=args.threads),
            args.repeat,
        )
        found = {a.kind: a.rows for a in report}
        assert found["nan"] == tuple(expected[0]) and found["infinite"] == tuple(expected[1])
        assert found["out_of_range"] == tuple(expected[2])
        assert found["blank_sample"] == tuple(expected[3])
        np.testing.assert_allclose(summary.channel_mean[np.isfinite(expected[4])],
                                   expected[4][np.isfinite(expected[4])], rtol=1e-9)
        print(f"{name:<32}{t_numpy:>10.3f}{t_ours:>14.3f}{t_numpy / t_ours:>8.1f}")
        gbs = x.nbytes / t_ours / 1e9
        print(f"{'':<32}shiftguard throughput {gbs:.2f} GB/s")


if __name__ == "__main__":
    main()
