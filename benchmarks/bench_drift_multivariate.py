#!/usr/bin/env python3
"""Benchmark of shiftguard's multivariate drift tests against alibi-detect (PyTorch backend).

Runs in one process, on identical seeded data, with ``torch.set_num_threads`` equal to
shiftguard's thread count:

* MMD permutation test, 2,000 reference and 2,000 current rows, 32 features, 100
  permutations: ``shiftguard.drift.MMDDrift`` (fit + predict, and predict on a fitted
  detector) against ``alibi_detect.cd.MMDDrift(backend='pytorch')`` (fit + predict), with
  the same bandwidth (shiftguard's median heuristic, passed to both), statistics compared
  (target 1e-6 relative). alibi-detect runs on float32 (its usual input) and on float64.
* LSDD: ``shiftguard.drift.LSDDDrift`` against ``alibi_detect.cd.LSDDDrift``, with
  alibi-detect's kernel centres passed to shiftguard so the statistics can be compared.
* Scaling of the MMD test with n (n reference = n current rows): quadratic-time permutation
  test (shiftguard and alibi-detect) and the linear-time test (shiftguard).

Each measurement is repeated (median reported); ratios are ``alibi median / shiftguard
median`` (above 1: shiftguard is faster).

Usage::

    python benchmarks/bench_drift_multivariate.py            # full run
    python benchmarks/bench_drift_multivariate.py --quick    # small sizes
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time
import warnings

import numpy as np
from _machine import cpu_model
import shiftguard
from shiftguard.drift import LSDDDrift, MMDDrift, linear_mmd_test, median_heuristic_sigma

SEED = 20261123



SLOW_SECONDS = 5.0


def timed(fn, repeat):
    """Median wall time of `repeat` runs (a single run when the first takes > 5 s)."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
        if times[0] > SLOW_SECONDS:
            break
    return statistics.median(times), value


def data(n, m, d, shift, dtype, seed=SEED):
    rng = np.random.default_rng(seed)
    x_ref = rng.normal(size=(n, d)).astype(dtype)
    x = (rng.normal(size=(m, d)) + shift).astype(dtype)
    return x_ref, x


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--power-only", action="store_true", help="only the power comparison (seeded simulation)"
    )
    parser.add_argument("--power-reps", type=int, default=100)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)
    import torch

    torch.set_num_threads(args.threads)
    import alibi_detect
    from alibi_detect.cd import LSDDDrift as AlibiLSDD
    from alibi_detect.cd import MMDDrift as AlibiMMD

    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; threads used: {args.threads}")
    print(
        f"versions: shiftguard {shiftguard.__version__}, alibi-detect {alibi_detect.__version__}, "
        f"torch {torch.__version__}, numpy {np.__version__}"
    )
    if args.power_only:
        power(args.power_reps, AlibiMMD, AlibiLSDD)
        return
    n = 500 if args.quick else 2000
    d = 32
    B = 100
    repeat = args.repeat

    # ------------------------------------------------------------------ MMD
    print(f"\n## MMD permutation test: {n} x {n} rows, {d} features, {B} permutations")
    x_ref, x = data(n, n, d, 0.05, np.float32)
    sigma = median_heuristic_sigma(x_ref)
    t_sg_fit, det = timed(
        lambda: MMDDrift(x_ref, sigma=sigma, n_permutations=B, seed=1, n_threads=args.threads),
        repeat,
    )
    t_sg_pred, res = timed(lambda: det.predict(x), repeat)
    t_sg_heur, det_h = timed(
        lambda: MMDDrift(x_ref, n_permutations=B, seed=1, n_threads=args.threads), 1
    )
    rows = [
        ("shiftguard MMDDrift fit (given sigma)", t_sg_fit),
        ("shiftguard MMDDrift predict", t_sg_pred),
        ("shiftguard fit + predict", t_sg_fit + t_sg_pred),
    ]
    out = {}
    for dtype in (np.float32, np.float64):
        xr, xx = x_ref.astype(dtype), x.astype(dtype)

        def alibi_run(xr=xr, xx=xx, dtype=dtype):
            a = AlibiMMD(
                xr,
                backend="pytorch",
                p_val=0.05,
                n_permutations=B,
                sigma=np.array([sigma], dtype=dtype),
                device="cpu",
            )
            return a.predict(xx)

        t_alibi, pred = timed(alibi_run, repeat)
        out[dtype] = (t_alibi, pred)
        rows.append((f"alibi-detect MMDDrift fit + predict ({np.dtype(dtype).name})", t_alibi))
    for name, t in rows:
        print(f"| {name:<48} | {t * 1000:10.1f} ms |")
    base = t_sg_fit + t_sg_pred
    for dtype, (t_alibi, pred) in out.items():
        stat = pred["data"]["distance"]
        print(
            f"ratio alibi({np.dtype(dtype).name}) / shiftguard fit+predict: {t_alibi / base:.1f}x; "
            f"predict only: {t_alibi / t_sg_pred:.1f}x; statistic alibi {stat:.10g} vs shiftguard "
            f"{res.distance:.10g}, relative difference "
            f"{abs(stat - res.distance) / abs(res.distance):.2e}; p-value alibi "
            f"{pred['data']['p_val']:.3g} (b/B) vs shiftguard {res.p_value:.3g} ((b+1)/(B+1))"
        )
    a_default = AlibiMMD(
        x_ref.astype(np.float64), backend="pytorch", n_permutations=1, device="cpu"
    )
    alibi_sigma = float(np.asarray(a_default._detector.kernel.sigma)[0])
    print(
        f"median heuristic sigma: shiftguard {det_h.sigma:.10g}, alibi-detect {alibi_sigma:.10g} "
        f"(relative difference {abs(alibi_sigma - det_h.sigma) / det_h.sigma:.1e})"
    )

    # ------------------------------------------------------------------ LSDD
    print(f"\n## LSDD permutation test: {n} x {n} rows, {d} features, {B} permutations")
    x_ref64, x64 = x_ref.astype(np.float64), x.astype(np.float64)
    import torch as _t

    _t.manual_seed(0)

    def alibi_lsdd():
        a = AlibiLSDD(x_ref64, backend="pytorch", n_permutations=B, device="cpu")
        return a, a.predict(x64)

    t_alibi_lsdd, (alibi_lsdd_det, alibi_lsdd_pred) = timed(alibi_lsdd, repeat)
    centres = alibi_lsdd_det._detector.kernel_centers.cpu().numpy()
    z = (x_ref64 - x_ref64.mean(0)) / x_ref64.std(0, ddof=1)
    rows_of_centres = [int(np.argmin(((z - c) ** 2).sum(1))) for c in centres]

    def sg_lsdd():
        det = LSDDDrift(
            x_ref64, n_permutations=B, kernel_center_rows=rows_of_centres, n_threads=args.threads
        )
        return det.predict(x64)

    t_sg_lsdd, sg_lsdd_res = timed(sg_lsdd, repeat)
    stat_a = alibi_lsdd_pred["data"]["distance"]
    print(f"| shiftguard LSDDDrift fit + predict | {t_sg_lsdd * 1000:10.1f} ms |")
    print(f"| alibi-detect LSDDDrift fit + predict (float64) | {t_alibi_lsdd * 1000:10.1f} ms |")
    print(
        f"ratio {t_alibi_lsdd / t_sg_lsdd:.1f}x; statistic alibi {stat_a:.10g} vs shiftguard "
        f"{sg_lsdd_res.distance:.10g} (same centres), relative difference "
        f"{abs(stat_a - sg_lsdd_res.distance) / abs(stat_a):.2e}; "
        f"lambda {sg_lsdd_res.details['lambda']}"
    )

    # ------------------------------------------------------------------ scaling
    print("\n## Scaling with n (n reference = n current rows, 32 features, 100 permutations)")
    print(
        "| n | shiftguard MMD fit+predict | alibi-detect MMD (float32) | ratio "
        "| shiftguard linear-time MMD |"
    )
    print("|---|---|---|---|---|")
    sizes = [250, 500, 1000] if args.quick else [250, 500, 1000, 2000, 4000]
    for size in sizes:
        xr, xx = data(size, size, d, 0.05, np.float32, seed=SEED + size)
        s = median_heuristic_sigma(xr[:1000])
        t_sg, _ = timed(
            lambda xr=xr, xx=xx, s=s: MMDDrift(xr, sigma=s, n_threads=args.threads).predict(xx),
            repeat,
        )
        t_al, _ = timed(
            lambda xr=xr, xx=xx, s=s: AlibiMMD(
                xr, backend="pytorch", sigma=np.array([s], dtype=np.float32), device="cpu"
            ).predict(xx),
            repeat,
        )
        t_lin, _ = timed(lambda xr=xr, xx=xx, s=s: linear_mmd_test(xr, xx, sigma=s), repeat)
        print(
            f"| {size} | {t_sg * 1000:.1f} ms | {t_al * 1000:.1f} ms | {t_al / t_sg:.1f}x "
            f"| {t_lin * 1000:.2f} ms |"
        )
    print("\n| n (linear-time only) | shiftguard linear-time MMD |")
    print("|---|---|")
    for size in [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]:
        xr, xx = data(size, size, d, 0.0, np.float32, seed=SEED + size)
        t_lin, r = timed(lambda xr=xr, xx=xx: linear_mmd_test(xr, xx, sigma=5.0), repeat)
        print(f"| {size} | {t_lin * 1000:.1f} ms (p-value {r.p_value:.3f}) |")


def power(reps, AlibiMMD, AlibiLSDD) -> None:
    """Detections out of `reps` seeded data sets (100 x 100 rows, 5 features, mean shift 0.3
    in every feature; and no shift, for the false-positive rate), alibi-detect and
    shiftguard on the same data, p_val 0.05, 100 permutations, default bandwidths."""
    import torch

    print(
        f"\n## Power and false-positive rate, {reps} seeded data sets, 100 x 100 rows, 5 features"
    )
    print("| shift | method | shiftguard detections | alibi-detect detections |")
    print("|---|---|---|---|")
    for shift in (0.0, 0.3):
        counts = {"MMD": [0, 0], "LSDD": [0, 0]}
        for rep in range(reps):
            x_ref, x = data(100, 100, 5, shift, np.float64, seed=SEED + 7919 * rep)
            torch.manual_seed(rep)
            counts["MMD"][0] += MMDDrift(x_ref, seed=rep).predict(x).is_drift
            counts["MMD"][1] += AlibiMMD(x_ref, backend="pytorch", device="cpu").predict(x)["data"][
                "is_drift"
            ]
            counts["LSDD"][0] += LSDDDrift(x_ref, seed=rep).predict(x).is_drift
            counts["LSDD"][1] += AlibiLSDD(x_ref, backend="pytorch", device="cpu").predict(x)[
                "data"
            ]["is_drift"]
        for method, (ours, theirs) in counts.items():
            print(f"| {shift} | {method} | {ours} / {reps} | {theirs} / {reps} |")


if __name__ == "__main__":
    main()
