#!/usr/bin/env python3
"""Benchmark of every univariate drift test through shiftguard's TabularDrift against the same
test looped over the columns in SciPy (or NumPy for the binned scores), and alibi-detect's
KSDrift / CVMDrift / ChiSquareDrift / TabularDrift when ``import alibi_detect`` works.

Numeric tests: ``--features`` columns (default 100) of ``--rows`` rows (default 100,000) for
the reference and the batch, a mean shift of 0.05 on every other column. Categorical tests:
as many columns with 20 categories. For each test, shiftguard's detector is fitted once with
that test on every column; ``predict`` is timed on the fitted detector (the way a detector is
used), and ``fit + predict`` is the one-shot comparison with a SciPy loop (which has no fit
step). Medians over ``--repeat`` runs (slow peers: at most 3), ratio = peer / shiftguard.

Distance scores need a threshold in TabularDrift; the benchmark gives a fixed one (1.0), so no
bootstrap calibration is timed. The NumPy PSI/JS/KL/Hellinger peers bin both samples at the
reference deciles (numpy.quantile, numpy.searchsorted), as the library does.

Also a scaling table: predict time of a KS TabularDrift against rows (one feature: 10k, 100k,
1M) and against features (10, 100, 1000 columns of 10,000 rows).

Usage::

    python benchmarks/bench_drift_univariate.py                 # full run (long on 2 cores)
    python benchmarks/bench_drift_univariate.py --quick         # small sizes, smoke run
    python benchmarks/bench_drift_univariate.py --rows 20000 --features 20
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
from _machine import cpu_model
import scipy
import scipy.stats
import scipy.spatial.distance

import shiftguard
from shiftguard.drift import TabularDrift

SEED = 20261123
NUMERIC = ["ks", "cvm", "anderson_darling", "mann_whitney", "welch_t", "energy", "wasserstein",
           "psi", "jensen_shannon", "kl", "hellinger"]
CATEGORICAL = ["chi2", "g_test", "psi", "jensen_shannon", "linf"]



def timed(function, repeat: int) -> float:
    times = []
    for k in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
        if k == 0 and times[0] > 5.0:
            repeat = min(repeat, 3)
        if len(times) >= repeat:
            break
    return statistics.median(times)


def _bins(ref, cur, n_bins=10):
    edges = np.unique(np.quantile(ref, np.arange(1, n_bins) / n_bins))
    p = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
    q = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
    return p, q


def numpy_score(test, ref, cur):
    p, q = _bins(ref, cur)
    if test == "psi":
        p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
        return np.sum((q - p) * np.log(q / p))
    if test == "kl":
        p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
        return np.sum(q * np.log(q / p))
    if test == "jensen_shannon":
        return scipy.spatial.distance.jensenshannon(p, q, base=2)
    return np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2) / 2)


def scipy_numeric(test, ref, cur):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if test == "ks":
            return scipy.stats.ks_2samp(ref, cur).pvalue
        if test == "cvm":
            return scipy.stats.cramervonmises_2samp(ref, cur).pvalue
        if test == "anderson_darling":
            return scipy.stats.anderson_ksamp([ref, cur]).pvalue
        if test == "mann_whitney":
            return scipy.stats.mannwhitneyu(ref, cur).pvalue
        if test == "welch_t":
            return scipy.stats.ttest_ind(ref, cur, equal_var=False).pvalue
        if test == "energy":
            return scipy.stats.energy_distance(ref, cur)
        if test == "wasserstein":
            return scipy.stats.wasserstein_distance(ref, cur)
    return numpy_score(test, ref, cur)


def categorical_peer(test, ref, cur, k):
    a = np.bincount(ref, minlength=k)
    b = np.bincount(cur, minlength=k)
    if test == "chi2":
        return scipy.stats.chi2_contingency(np.vstack([a, b]), correction=False).pvalue
    if test == "g_test":
        return scipy.stats.chi2_contingency(np.vstack([a, b]), correction=False,
                                            lambda_="log-likelihood").pvalue
    p, q = a / a.sum(), b / b.sum()
    if test == "psi":
        p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
        return np.sum((q - p) * np.log(q / p))
    if test == "jensen_shannon":
        return scipy.spatial.distance.jensenshannon(p, q, base=2)
    return np.abs(p - q).max()


def power_table(reps, threads, alibi_ks, alibi_cvm, alibi_chi2) -> None:
    """Detections out of `reps` seeded data sets, shiftguard and alibi-detect on the same data
    with the same test, p_val 0.05 and Bonferroni over 5 features (alibi-detect's default
    correction and sizes of its examples: 500 reference and 500 current rows)."""
    n_ref, n_cur, d = 500, 500, 5
    print(f"power: detections out of {reps} seeded data sets, {n_ref} reference and {n_cur} "
          f"current rows, {d} features, p_val 0.05, Bonferroni")
    print(f"{'scenario':<34} {'test':<6} {'shiftguard':>10} {'alibi-detect':>12}")

    def numeric(shift, scale):
        def make(rng):
            ref = rng.normal(size=(n_ref, d))
            cur = rng.normal(size=(n_cur, d))
            cur[:, 0] = cur[:, 0] * scale + shift
            return ref, cur
        return make

    def categorical(p_cur, k=5):
        def make(rng):
            ref = rng.choice(k, size=(n_ref, d), p=np.full(k, 1.0 / k)).astype(np.float64)
            cur = rng.choice(k, size=(n_cur, d), p=np.full(k, 1.0 / k)).astype(np.float64)
            cur[:, 0] = rng.choice(len(p_cur), size=n_cur, p=p_cur)
            return ref, cur
        return make

    uniform = [0.2] * 5
    scenarios = [
        ("no drift (numeric)", numeric(0.0, 1.0), ("ks", "cvm")),
        ("mean shift 0.2 in 1 of 5 features", numeric(0.2, 1.0), ("ks", "cvm")),
        ("sd x1.5 in 1 of 5 features", numeric(0.0, 1.5), ("ks", "cvm")),
        ("no drift (categorical)", categorical(uniform), ("chi2",)),
        ("class proportions 0.3/0.2/0.2/0.2/0.1", categorical([0.3, 0.2, 0.2, 0.2, 0.1]),
         ("chi2",)),
        ("new category at 5%", categorical([0.19, 0.19, 0.19, 0.19, 0.19, 0.05]), ("chi2",)),
    ]
    alibi_for = {"ks": alibi_ks, "cvm": alibi_cvm, "chi2": alibi_chi2}
    for scenario_index, (label, make, tests) in enumerate(scenarios):
        for test in tests:
            ours = theirs = 0
            failures = 0
            rng = np.random.default_rng(SEED + 1000 * scenario_index)
            categorical_columns = list(range(d)) if test == "chi2" else None
            for _ in range(reps):
                ref, cur = make(rng)
                detector = TabularDrift(ref, categories_per_feature=categorical_columns,
                                        tests={k: test for k in range(d)}, n_threads=threads)
                ours += bool(detector.predict(cur).is_drift)
                try:
                    if test == "chi2":
                        peer = alibi_for[test](ref.astype(np.int64), p_val=0.05)
                        verdict = peer.predict(cur.astype(np.int64))
                    else:
                        peer = alibi_for[test](ref.astype(np.float32), p_val=0.05)
                        verdict = peer.predict(cur.astype(np.float32))
                    theirs += int(verdict["data"]["is_drift"])
                except Exception:  # noqa: BLE001  (report how often the peer fails)
                    failures += 1
            peer_text = f"{theirs}" + (f" ({failures} errors)" if failures else "")
            print(f"{label:<34} {test:<6} {ours:>10} {peer_text:>12}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="0: all cores")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--power-only", action="store_true",
                        help="only the power / false-positive comparison with alibi-detect")
    parser.add_argument("--power-reps", type=int, default=200)
    args = parser.parse_args()
    if args.quick:
        args.rows, args.features, args.repeat = 5000, 10, 2
    threads = args.threads or None
    n, d = args.rows, args.features
    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}")
    print(f"machine: {cpu_model()}, {len(os.sched_getaffinity(0))} usable cores")
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__},"
          f" shiftguard {shiftguard.__version__}")
    try:
        import alibi_detect  # noqa: F401
        from alibi_detect.cd import ChiSquareDrift, CVMDrift, KSDrift
        from alibi_detect.cd import TabularDrift as AlibiTabularDrift

        print(f"alibi-detect {alibi_detect.__version__}")
        have_alibi = True
    except Exception as error:  # noqa: BLE001  (any import failure: run without it)
        print(f"alibi-detect not available ({type(error).__name__}: {error}); its rows skipped")
        have_alibi = False
    if args.power_only:
        if not have_alibi:
            print("the power comparison needs alibi-detect")
            return 1
        power_table(args.power_reps, threads, KSDrift, CVMDrift, ChiSquareDrift)
        return 0
    print(f"data: {d} features x {n:,} rows (reference and batch); threads: "
          f"{threads or 'all'}; repeat {args.repeat}\n")

    rng = np.random.default_rng(SEED)
    x_ref = rng.normal(size=(n, d))
    x = rng.normal(size=(n, d))
    x[:, ::2] += 0.05
    c_ref = rng.integers(0, 20, size=(n, d))
    c_cur = rng.integers(0, 20, size=(n, d))
    c_ref_f, c_cur_f = c_ref.astype(np.float64), c_cur.astype(np.float64)

    header = (f"{'test':<22} {'sg predict':>11} {'sg fit+pred':>12} {'peer loop':>11} "
              f"{'ratio pred':>10} {'ratio fit+pred':>14}  peer")
    print(header)
    print("-" * len(header))

    def row(name, predict_s, fit_predict_s, peer_s, peer_name):
        print(f"{name:<22} {predict_s:>10.4f}s {fit_predict_s:>11.4f}s {peer_s:>10.4f}s "
              f"{peer_s / predict_s:>9.1f}x {peer_s / fit_predict_s:>13.1f}x  {peer_name}")

    for test in NUMERIC:
        thresholds = {k: 1.0 for k in range(d)} if test in (
            "energy", "wasserstein", "psi", "jensen_shannon", "kl", "hellinger") else None
        tests = {k: test for k in range(d)}
        make = lambda: TabularDrift(x_ref, tests=tests, thresholds=thresholds,  # noqa: E731
                                    n_threads=threads)
        detector = make()
        predict_s = timed(lambda: detector.predict(x), args.repeat)
        fit_predict_s = timed(lambda: make().predict(x), args.repeat)
        peer_s = timed(lambda: [scipy_numeric(test, x_ref[:, k], x[:, k]) for k in range(d)],
                       args.repeat)
        peer = "NumPy bins" if test in ("psi", "jensen_shannon", "kl", "hellinger") else "SciPy"
        row(f"numeric {test}", predict_s, fit_predict_s, peer_s, peer + " loop")
    for test in CATEGORICAL:
        thresholds = None if test in ("chi2", "g_test") else {k: 1.0 for k in range(d)}
        tests = {k: test for k in range(d)}
        make = lambda: TabularDrift(c_ref_f, categories_per_feature=list(range(d)),  # noqa: E731
                                    tests=tests, thresholds=thresholds, n_threads=threads)
        detector = make()
        predict_s = timed(lambda: detector.predict(c_cur_f), args.repeat)
        fit_predict_s = timed(lambda: make().predict(c_cur_f), args.repeat)
        peer_s = timed(lambda: [categorical_peer(test, c_ref[:, k], c_cur[:, k], 20)
                                for k in range(d)], args.repeat)
        row(f"categorical {test}", predict_s, fit_predict_s, peer_s,
            "SciPy loop" if test in ("chi2", "g_test") else "NumPy loop")

    if have_alibi:
        print("\nalibi-detect (fit + predict of its detector; ratio against shiftguard's "
              "predict and fit+predict with the same test)")
        x32, xr32 = x.astype(np.float32), x_ref.astype(np.float32)
        pairs = [
            ("KSDrift", lambda: KSDrift(xr32, p_val=0.05).predict(x32), "ks", x_ref, x, None),
            ("CVMDrift", lambda: CVMDrift(xr32, p_val=0.05).predict(x32), "cvm", x_ref, x, None),
            ("ChiSquareDrift", lambda: ChiSquareDrift(c_ref, p_val=0.05).predict(c_cur),
             "chi2", c_ref_f, c_cur_f, list(range(d))),
            ("TabularDrift", lambda: AlibiTabularDrift(
                c_ref_f, p_val=0.05, categories_per_feature={k: None for k in range(d)}
            ).predict(c_cur_f), "chi2", c_ref_f, c_cur_f, list(range(d))),
        ]
        for name, run, test, ref, cur, categorical in pairs:
            make = lambda: TabularDrift(ref, categories_per_feature=categorical,  # noqa: E731
                                        tests={k: test for k in range(d)}, n_threads=threads)
            detector = make()
            predict_s = timed(lambda: detector.predict(cur), args.repeat)
            fit_predict_s = timed(lambda: make().predict(cur), args.repeat)
            peer_s = timed(run, min(args.repeat, 3))
            row(f"alibi {name}", predict_s, fit_predict_s, peer_s, f"alibi-detect {name}")

    if not args.no_scaling:
        print("\nscaling: predict of a fitted KS TabularDrift")
        print(f"{'rows':>10} {'features':>9} {'predict':>10}")
        sizes = [(10_000, 1), (100_000, 1), (1_000_000, 1), (10_000, 10), (10_000, 100),
                 (10_000, 1000)]
        if args.quick:
            sizes = [(s[0] // 10, s[1] // 10 or 1) for s in sizes]
        for rows, features in sizes:
            ref = rng.normal(size=(rows, features))
            cur = rng.normal(size=(rows, features))
            detector = TabularDrift(ref, n_threads=threads)
            print(f"{rows:>10,} {features:>9} {timed(lambda: detector.predict(cur), args.repeat):>9.4f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
