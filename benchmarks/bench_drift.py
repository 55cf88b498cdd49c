#!/usr/bin/env python3
"""Benchmark of shiftguard's Kolmogorov-Smirnov drift detection against its peers.

Runs in one process, on identical seeded data:

* shiftguard: ``shiftguard.KSDrift`` (fit = constructor, which sorts each reference column
  once; predict = test of one batch on the fitted detector) and ``shiftguard.ks_2samp``;
* SciPy: ``scipy.stats.ks_2samp`` in a Python loop over the columns (what users write), and
  the same function called once with ``axis=0``;
* alibi-detect: ``alibi_detect.cd.KSDrift`` (fit and predict), when ``import alibi_detect``
  works (it is skipped with a note otherwise).

Each measurement is repeated and the median is reported, with the ratio
``peer median / shiftguard median`` (above 1: shiftguard is faster). The main figure is
shiftguard's predict on a fitted detector, the way a detector is used (fit once, test many
batches); fit + predict is the fair one-shot comparison with a SciPy loop, which has no fit
step. Statistics and p-values are compared with SciPy's as a sanity check.

Usage::

    python benchmarks/bench_drift.py             # full run (a few minutes on 2 cores)
    python benchmarks/bench_drift.py --quick     # small sizes, smoke run
    python benchmarks/bench_drift.py --repeat 5  # repetitions of the fast measurements
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np
from _machine import cpu_model
import scipy
import scipy.stats

import shiftguard

SEED = 20261123
P_VAL = 0.05
# Measurements whose first run takes longer than this get at most SLOW_REPEAT repetitions.
SLOW_SECONDS = 1.0
SLOW_REPEAT = 3
# Tolerances of the correctness check against SciPy, as in tests/python (a mismatch is
# printed, not fatal). alibi-detect returns float32 statistics and p-values, so it is held
# to float32 precision, on p-values above float32's smallest normal number.
STATISTIC_TOLERANCE = 1e-10
P_VALUE_RTOL = 1e-8
P_VALUE_FLOOR = 1e-300
FLOAT32_TOLERANCE = 1e-6
FLOAT32_P_FLOOR = float(np.finfo(np.float32).tiny)
# SciPy's method="auto" uses the exact distribution up to this sample size.
SCIPY_MAX_EXACT_N = 10_000


# --------------------------------------------------------------------------- environment



def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def import_alibi_detect() -> tuple[Any, str | None, str | None]:
    """(KSDrift class or None, version or None, reason it is missing or None)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import alibi_detect
            from alibi_detect.cd import KSDrift as AlibiKSDrift
    except Exception as error:  # ImportError, or a broken install (NumPy ABI, ...)
        return None, None, f"{type(error).__name__}: {error}"
    return AlibiKSDrift, getattr(alibi_detect, "__version__", "?"), None


def environment(alibi_version: str | None) -> dict[str, Any]:
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cores": usable_cores(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "shiftguard": getattr(shiftguard, "__version__", "?"),
        "alibi_detect": alibi_version,
        "load_average_start": load_average(),
    }


# --------------------------------------------------------------------------- data


@dataclass
class Scenario:
    name: str
    description: str
    n_ref: int
    n_cur: int
    n_features: int
    dtype: str = "float64"
    order: str = "C"
    peers: bool = True  # run SciPy / alibi-detect too (False: shiftguard-only scenario)
    thread_counts: tuple[int, ...] = ()  # non-empty: a scaling scenario


def make_data(n_ref: int, n_cur: int, n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference: standard normal. Current: the same for most features, with a mean shift
    on a fifth of them and a scale change on a tenth, of increasing size, so that the
    p-values span the range from 1 down to well below the Bonferroni threshold."""
    rng = np.random.default_rng(seed)
    x_ref = rng.standard_normal((n_ref, n_features))
    x_cur = rng.standard_normal((n_cur, n_features))
    n_shift = max(1, n_features // 5)
    n_scale = max(1, n_features // 10)
    x_cur[:, :n_shift] += np.linspace(0.002, 0.1, n_shift)
    x_cur[:, n_shift : n_shift + n_scale] *= np.linspace(1.002, 1.1, n_scale)
    return x_ref, x_cur


def cast(x: np.ndarray, dtype: str, order: str) -> np.ndarray:
    return np.asarray(x, dtype=np.dtype(dtype), order=order)


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    scenario: str
    library: str
    step: str  # "fit", "predict", "fit+predict"
    times: list[float] = field(default_factory=list)
    baseline: str | None = None  # key of the shiftguard timing this one is compared with

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def key(self) -> str:
        return f"{self.library}|{self.step}"


def measure(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Times `fn` `repeat` times (fewer when it is slow), garbage collector off during each
    call. Returns the times and the last result."""
    times: list[float] = []
    result = None
    target = repeat
    while len(times) < target:
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
        if len(times) == 1 and times[0] > SLOW_SECONDS:
            target = min(repeat, SLOW_REPEAT)
    return times, result


# --------------------------------------------------------------------------- peers


def scipy_loop(
    x_ref: np.ndarray, x_cur: np.ndarray, method: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    stats = np.empty(x_ref.shape[1])
    p_values = np.empty(x_ref.shape[1])
    for j in range(x_ref.shape[1]):
        result = scipy.stats.ks_2samp(x_ref[:, j], x_cur[:, j], method=method)
        stats[j] = result.statistic
        p_values[j] = result.pvalue
    return stats, p_values


def scipy_axis(x_ref: np.ndarray, x_cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    result = scipy.stats.ks_2samp(x_ref, x_cur, axis=0)
    return np.asarray(result.statistic, dtype=float), np.asarray(result.pvalue, dtype=float)


def compare(
    name: str,
    stats: np.ndarray,
    p_values: np.ndarray,
    ref_stats: np.ndarray,
    ref_p: np.ndarray,
    *,
    stat_tolerance: float = STATISTIC_TOLERANCE,
    p_rtol: float = P_VALUE_RTOL,
    p_floor: float = P_VALUE_FLOOR,
) -> dict[str, Any]:
    stat_diff = float(np.max(np.abs(np.asarray(stats, float) - ref_stats)))
    mask = ref_p > p_floor
    if mask.any():
        actual = np.asarray(p_values, float)[mask]
        p_diff = float(np.max(np.abs(actual - ref_p[mask]) / ref_p[mask]))
    else:
        p_diff = 0.0
    ok = stat_diff <= stat_tolerance and p_diff <= p_rtol
    return {
        "against_scipy": name,
        "p_floor": p_floor,
        "max_abs_statistic_diff": stat_diff,
        "max_rel_p_value_diff": p_diff,
        "p_values_compared": int(mask.sum()),
        "min_scipy_p_value": float(ref_p.min()),
        "ok": ok,
    }


# --------------------------------------------------------------------------- scenarios


def scenarios_for(quick: bool, cores: int) -> list[Scenario]:
    big_n = 20_000 if quick else 100_000
    big_d = 20 if quick else 100
    small_n = 2_000 if quick else 5_000
    small_d = 10 if quick else 20
    threads = tuple(sorted({1, cores}))
    big = f"{big_d} features x {big_n:,} reference rows x {big_n:,} current rows"
    return [
        Scenario(
            "target",
            f"{big}, float64, C order (asymptotic p-values)",
            big_n, big_n, big_d,
        ),
        Scenario(
            "exact",
            f"{small_d} features x {small_n:,} x {small_n:,}, float64, C order "
            "(exact null distribution, n <= 10,000)",
            small_n, small_n, small_d,
        ),
        Scenario(
            "exact-unequal",
            f"{small_d} features x {small_n:,} reference x {small_n * 4 // 5:,} current, "
            "float64 (exact lattice-path p-values)",
            small_n, small_n * 4 // 5, small_d,
        ),
        Scenario("float32", f"{big}, float32, C order", big_n, big_n, big_d, dtype="float32"),
        Scenario("F-order", f"{big}, float64, Fortran order", big_n, big_n, big_d, order="F"),
        Scenario(
            "threads",
            f"{big}, float64, C order: shiftguard with n_threads in {list(threads)}",
            big_n, big_n, big_d, peers=False, thread_counts=threads,
        ),
    ]


def run_scenario(
    scenario: Scenario,
    data_cache: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]],
    repeat: int,
    alibi_class: Any,
) -> tuple[list[Timing], list[dict[str, Any]]]:
    shape_key = (scenario.n_ref, scenario.n_cur, scenario.n_features)
    if shape_key not in data_cache:
        data_cache.clear()  # keep at most one pair of large arrays alive
        data_cache[shape_key] = make_data(*shape_key, seed=SEED)
    base_ref, base_cur = data_cache[shape_key]
    x_ref = cast(base_ref, scenario.dtype, scenario.order)
    x_cur = cast(base_cur, scenario.dtype, scenario.order)
    timings: list[Timing] = []
    checks: list[dict[str, Any]] = []
    name = scenario.name

    def add(library: str, step: str, times: list[float], baseline: str | None = None) -> None:
        timings.append(Timing(name, library, step, times, baseline))

    if scenario.thread_counts:
        for n_threads in scenario.thread_counts:
            label = f"shiftguard n_threads={n_threads}"
            shiftguard.KSDrift(x_ref, p_val=P_VAL, n_threads=n_threads)  # warm-up
            fit_times, detector = measure(
                lambda t=n_threads: shiftguard.KSDrift(x_ref, p_val=P_VAL, n_threads=t), repeat
            )
            predict_times, _ = measure(lambda d=detector: d.predict(x_cur), repeat)
            baseline = f"shiftguard n_threads={scenario.thread_counts[-1]}"
            add(label, "fit", fit_times, f"{baseline}|fit")
            add(label, "predict", predict_times, f"{baseline}|predict")
        return timings, checks

    # shiftguard: fitted detector (main figure), fit alone, and fit + predict.
    detector = shiftguard.KSDrift(x_ref, p_val=P_VAL)
    detector.predict(x_cur)  # warm-up (thread pool, page faults)
    fit_times, detector = measure(lambda: shiftguard.KSDrift(x_ref, p_val=P_VAL), repeat)
    predict_times, result = measure(lambda: detector.predict(x_cur), repeat)
    one_shot_times, _ = measure(
        lambda: shiftguard.KSDrift(x_ref, p_val=P_VAL).predict(x_cur), repeat
    )
    add("shiftguard KSDrift", "fit", fit_times)
    add("shiftguard KSDrift", "predict", predict_times)
    add("shiftguard KSDrift", "fit+predict", one_shot_times)

    # shiftguard.ks_2samp in a loop: the function-level API, SciPy's shape.
    def shiftguard_loop() -> tuple[np.ndarray, np.ndarray]:
        pairs = [shiftguard.ks_2samp(x_ref[:, j], x_cur[:, j]) for j in range(x_ref.shape[1])]
        return np.array([p.statistic for p in pairs]), np.array([p.p_value for p in pairs])

    loop_times, loop_result = measure(shiftguard_loop, repeat)
    add("shiftguard ks_2samp loop", "fit+predict", loop_times, "shiftguard KSDrift|fit+predict")

    # SciPy.
    scipy_loop(x_ref[:, :2], x_cur[:, :2])  # warm-up
    scipy_times, (scipy_stats, scipy_p) = measure(lambda: scipy_loop(x_ref, x_cur), repeat)
    add("SciPy ks_2samp loop", "fit+predict", scipy_times, "shiftguard KSDrift|predict")
    axis_times, (axis_stats, axis_p) = measure(lambda: scipy_axis(x_ref, x_cur), repeat)
    add("SciPy ks_2samp axis=0", "fit+predict", axis_times, "shiftguard KSDrift|predict")

    checks.append({"scenario": name, "library": "shiftguard KSDrift",
                   **compare("auto", result.statistics, result.p_values, scipy_stats, scipy_p)})
    checks.append({"scenario": name, "library": "shiftguard ks_2samp",
                   **compare("auto", *loop_result, scipy_stats, scipy_p)})
    checks.append({"scenario": name, "library": "SciPy axis=0",
                   **compare("auto", axis_stats, axis_p, scipy_stats, scipy_p)})

    # alibi-detect.
    if alibi_class is not None:
        def alibi_fit() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return alibi_class(x_ref, p_val=P_VAL)

        def alibi_predict(fitted: Any) -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return fitted.predict(x_cur)

        alibi_predict(alibi_fit())  # warm-up
        alibi_fit_times, fitted = measure(alibi_fit, repeat)
        alibi_predict_times, alibi_result = measure(lambda: alibi_predict(fitted), repeat)
        add("alibi-detect KSDrift", "fit", alibi_fit_times)
        add("alibi-detect KSDrift", "predict", alibi_predict_times, "shiftguard KSDrift|predict")
        data = alibi_result["data"]
        # alibi-detect's p-values are asymptotic whatever the sample size (observed: they
        # match SciPy's method="asymp"), and float32.
        if max(scenario.n_ref, scenario.n_cur) > SCIPY_MAX_EXACT_N:
            asymp_stats, asymp_p = scipy_stats, scipy_p
        else:
            asymp_stats, asymp_p = scipy_loop(x_ref, x_cur, method="asymp")
        check = compare(
            "asymp", data["distance"], data["p_val"], asymp_stats, asymp_p,
            stat_tolerance=FLOAT32_TOLERANCE, p_rtol=FLOAT32_TOLERANCE, p_floor=FLOAT32_P_FLOOR,
        )
        check["is_drift_agrees_with_shiftguard"] = bool(data["is_drift"]) == bool(result.is_drift)
        checks.append({"scenario": name, "library": "alibi-detect KSDrift", **check})
        # alibi-detect has no separate one-shot timing: fit + predict is the sum of medians.
    return timings, checks


# --------------------------------------------------------------------------- report


def format_seconds(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:8.3f} s"
    return f"{seconds * 1e3:8.1f} ms"


def print_timings(timings: list[Timing]) -> list[dict[str, Any]]:
    by_key = {t.key(): t for t in timings}
    rows = []
    header = (
        f"  {'implementation':<30} {'step':<12} {'median':>11} {'min':>11} {'max':>11} "
        f"{'n':>3}  ratio"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for timing in timings:
        ratio = None
        against = ""
        if timing.baseline and timing.baseline in by_key:
            base = by_key[timing.baseline]
            ratio = timing.median / base.median
            against = f"  vs {base.library} {base.step}"
        ratio_text = f"{ratio:6.2f}x{against}" if ratio is not None else ""
        print(
            f"  {timing.library:<30} {timing.step:<12} {format_seconds(timing.median)} "
            f"{format_seconds(min(timing.times))} {format_seconds(max(timing.times))} "
            f"{len(timing.times):>3}  {ratio_text}"
        )
        rows.append({**asdict(timing), "median": timing.median, "ratio": ratio})
    # One-shot comparisons that need two shiftguard figures.
    sg_one_shot = by_key.get("shiftguard KSDrift|fit+predict")
    extra = []
    for peer_key in ("SciPy ks_2samp loop|fit+predict", "SciPy ks_2samp axis=0|fit+predict"):
        if sg_one_shot and peer_key in by_key:
            peer = by_key[peer_key]
            extra.append(
                f"  one-shot: {peer.library} / shiftguard fit+predict = "
                f"{peer.median / sg_one_shot.median:.2f}x"
            )
    alibi_fit = by_key.get("alibi-detect KSDrift|fit")
    alibi_predict = by_key.get("alibi-detect KSDrift|predict")
    if sg_one_shot and alibi_fit and alibi_predict:
        extra.append(
            "  one-shot: alibi-detect fit+predict (sum of medians) / shiftguard fit+predict = "
            f"{(alibi_fit.median + alibi_predict.median) / sg_one_shot.median:.2f}x"
        )
    for line in extra:
        print(line)
    return rows


def print_checks(checks: list[dict[str, Any]]) -> None:
    if not checks:
        return
    print("  agreement with the SciPy loop (statistics: max abs diff; p-values: max rel diff "
          "where SciPy's exceed the floor):")
    for check in checks:
        flag = "ok" if check["ok"] else "MISMATCH"
        verdict = ""
        if "is_drift_agrees_with_shiftguard" in check:
            verdict = "; is_drift " + (
                "agrees" if check["is_drift_agrees_with_shiftguard"] else "DIFFERS"
            ) + " with shiftguard"
        print(
            f"    {check['library']:<22} vs method={check['against_scipy']:<5} "
            f"statistic {check['max_abs_statistic_diff']:.3g}, "
            f"p-value {check['max_rel_p_value_diff']:.3g} "
            f"({check['p_values_compared']} above {check['p_floor']:.3g}; "
            f"smallest SciPy p {check['min_scipy_p_value']:.3g})  [{flag}]{verdict}"
        )


def print_summary(scenarios: list[dict[str, Any]]) -> None:
    """One line per scenario: shiftguard's medians and the peers' ratios."""
    print("summary (ratio = peer median / shiftguard median; above 1: shiftguard faster)")
    print(f"  {'scenario':<14} {'sg predict':>11} {'sg fit+pred':>11} {'SciPy loop':>11} "
          f"{'loop/pred':>9} {'loop/f+p':>9} {'alibi/pred':>10}")
    for scenario in scenarios:
        medians = {f"{row['library']}|{row['step']}": row["median"] for row in scenario["timings"]}
        predict = medians.get("shiftguard KSDrift|predict")
        one_shot = medians.get("shiftguard KSDrift|fit+predict")
        loop = medians.get("SciPy ks_2samp loop|fit+predict")
        alibi = medians.get("alibi-detect KSDrift|predict")
        if predict is None:
            continue
        print(
            f"  {scenario['name']:<14} {format_seconds(predict):>11} "
            f"{format_seconds(one_shot):>11} "
            f"{format_seconds(loop):>11} {loop / predict:>8.2f}x {loop / one_shot:>8.2f}x "
            + (f"{alibi / predict:>9.2f}x" if alibi else f"{'-':>10}")
        )
    for scenario in scenarios:
        if not scenario["thread_counts"]:
            continue
        medians = {f"{row['library']}|{row['step']}": row["median"] for row in scenario["timings"]}
        counts = scenario["thread_counts"]
        one = medians.get(f"shiftguard n_threads={counts[0]}|predict")
        many = medians.get(f"shiftguard n_threads={counts[-1]}|predict")
        if one and many and len(counts) > 1:
            print(f"  predict speed-up from n_threads={counts[0]} to {counts[-1]}: "
                  f"{one / many:.2f}x ({format_seconds(one).strip()} -> "
                  f"{format_seconds(many).strip()})")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--repeat", type=int, default=7,
        help="repetitions per measurement (default 7; measurements slower than "
        f"{SLOW_SECONDS:g} s get at most {SLOW_REPEAT})",
    )
    parser.add_argument("--only", nargs="+", metavar="SCENARIO", help="run only these scenarios")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--no-alibi", action="store_true", help="skip alibi-detect")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    alibi_class, alibi_version, alibi_missing = (None, None, "--no-alibi given")
    if not args.no_alibi:
        alibi_class, alibi_version, alibi_missing = import_alibi_detect()
    cores = usable_cores()
    env = environment(alibi_version)
    print("shiftguard drift benchmark (Kolmogorov-Smirnov, two-sided, p_val=0.05, Bonferroni)")
    print(f"  date        {env['date']}")
    print(f"  machine     {env['cpu']}, {env['usable_cores']} usable cores "
          f"({env['logical_cpus']} logical CPUs), {env['platform']}")
    print(f"  load avg    {env['load_average_start']} (1, 5, 15 min) at start")
    print(f"  versions    python {env['python']}, numpy {env['numpy']}, scipy {env['scipy']}, "
          f"shiftguard {env['shiftguard']}, alibi-detect {alibi_version or 'not available'}")
    if alibi_class is None:
        print(f"  note        alibi-detect skipped ({alibi_missing})")
    print(f"  settings    repeat {args.repeat} (at most {SLOW_REPEAT} for runs over "
          f"{SLOW_SECONDS:g} s), seed {SEED}, {'quick' if args.quick else 'full'} sizes; "
          "median reported; ratio = other median / shiftguard median")
    print()

    scenarios = scenarios_for(args.quick, cores)
    if args.only:
        known = {s.name for s in scenarios}
        unknown = set(args.only) - known
        if unknown:
            parser.error(f"unknown scenario(s) {sorted(unknown)}; choose from {sorted(known)}")
        scenarios = [s for s in scenarios if s.name in args.only]

    started = time.perf_counter()
    cache: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] = {}
    report: dict[str, Any] = {"environment": env, "scenarios": []}
    all_ok = True
    for scenario in scenarios:
        print(f"== {scenario.name}: {scenario.description}")
        scenario_start = time.perf_counter()
        timings, checks = run_scenario(scenario, cache, args.repeat, alibi_class)
        rows = print_timings(timings)
        print_checks(checks)
        all_ok = all_ok and all(c["ok"] for c in checks if c["library"].startswith("shiftguard"))
        print(f"  ({time.perf_counter() - scenario_start:.1f} s)")
        print()
        report["scenarios"].append(
            {**asdict(scenario), "timings": rows, "checks": checks}
        )
    print_summary(report["scenarios"])
    env["load_average_end"] = load_average()
    print(f"load avg {env['load_average_end']} at end; total {time.perf_counter() - started:.1f} s")
    if not all_ok:
        print("WARNING: shiftguard's results differ from SciPy's beyond tolerance "
              f"(statistic {STATISTIC_TOLERANCE:g} abs, p-value {P_VALUE_RTOL:g} rel); see above")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2, default=str)
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
