#!/usr/bin/env python3
"""Benchmark of shiftguard.validate schema validation against pandera on the same frame.

One process, identical seeded data: a mixed frame of 1,000,000 rows (``--rows``) and 20
columns: 12 float64 (three with 5% NaN), 3 int64 (one a unique id), 1 bool, 2 category,
1 string column with 6 values (pandas' default ``str`` dtype, Arrow-backed; ``--object-strings``
makes it an object column), 1 datetime64. A shiftguard schema is inferred from the
frame (margin 0.1); the pandera ``DataFrameSchema`` is built from it with the equivalent
checks: dtype, ``nullable``, ``Check.in_range(minimum, maximum)`` for numeric and datetime
columns, ``Check.isin(domain)`` for categorical columns, ``unique=True`` for the id column,
``strict=True`` (no extra columns). shiftguard also checks NaN/infinity, missing fractions
and constant columns, which pandera is not asked to do.

Two cases: the clean frame (both pass) and the frame with faults injected in 1% of the rows
of five columns (out of range, unseen category, duplicated id, NaN in a non-nullable column;
pandera runs with ``lazy=True`` so that it collects every failure, as shiftguard does). The
answers are checked to agree on which columns fail. Each call (the whole public function) is
repeated (``--repeat``, default 5); the median and the best run are printed with the ratio
``pandera / shiftguard`` (above 1: shiftguard is faster).

Usage::

    python benchmarks/bench_validate_schema.py           # 1,000,000 rows, 5 repetitions
    python benchmarks/bench_validate_schema.py --quick   # 100,000 rows, 3 repetitions
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

import numpy as np
import pandas as pd
import shiftguard
from _machine import cpu_model
from shiftguard.validate import infer_schema

warnings.filterwarnings("ignore", category=FutureWarning)
import pandera  # noqa: E402
import pandera.pandas as pa  # noqa: E402

SEED = 20261124


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def make_frame(n: int, rng: np.random.Generator, args_city_dtype: Any = "str") -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for k in range(12):
        values = rng.normal(loc=k, scale=1 + k, size=n)
        if k in (3, 7, 11):
            values[rng.random(n) < 0.05] = np.nan
        columns[f"x{k}"] = values
    columns["count"] = rng.poisson(20, n).astype(np.int64)
    columns["year"] = rng.integers(1950, 2025, n).astype(np.int64)
    columns["id"] = rng.permutation(n).astype(np.int64) + 1_000_000
    columns["member"] = rng.random(n) < 0.3
    columns["plan"] = pd.Categorical(rng.choice(["free", "pro", "team", "enterprise"], n))
    columns["region"] = pd.Categorical(rng.choice([f"r{k}" for k in range(12)], n))
    columns["city"] = pd.Series(
        rng.choice(["Oslo", "Rome", "Lima", "Pune", "Kobe", "Graz"], n), dtype=args_city_dtype
    )
    columns["signup"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(
        rng.integers(0, 5 * 365 * 86400, n), unit="s"
    )
    return pd.DataFrame(columns)


def pandera_schema(schema: Any) -> pa.DataFrameSchema:
    """The pandera schema with the equivalent checks of a shiftguard schema."""
    columns = {}
    for column in schema:
        checks = []
        if column.type in ("float", "integer"):
            dtype = {"float": "float64", "integer": "int64"}[column.type]
            if column.minimum is not None:
                checks.append(pa.Check.in_range(column.minimum, column.maximum))
        elif column.type == "boolean":
            dtype = "bool"
        elif column.type == "datetime":
            dtype = "datetime64[us]"
            low = pd.Timestamp(0) + pd.Timedelta(seconds=column.minimum)
            high = pd.Timestamp(0) + pd.Timedelta(seconds=column.maximum)
            checks.append(pa.Check.in_range(low, high))
        elif column.type == "categorical":
            dtype = None
            checks.append(pa.Check.isin(sorted(column.domain)))
        else:
            dtype = None
        columns[column.name] = pa.Column(
            dtype, checks=checks, nullable=column.nullable, unique=column.unique
        )
    return pa.DataFrameSchema(columns, strict=True)


def inject_faults(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    bad = frame.copy()
    n = len(bad)
    rows = lambda: rng.choice(n, n // 100, replace=False)  # noqa: E731
    bad.loc[rows(), "x0"] = 1e9  # out of range
    bad.loc[rows(), "x1"] = np.nan  # NaN in a column without NaN
    bad.loc[rows(), "city"] = "Paris"  # unseen category
    bad.loc[rows(), "id"] = 1_000_000  # duplicated id
    bad.loc[rows(), "year"] = 3000  # out of range
    return bad


def run_pandera(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> set[str]:
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        return set(errors.failure_cases["column"].dropna().astype(str))
    return set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--object-strings", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeat = 100_000, 3

    rng = np.random.default_rng(SEED)
    frame = make_frame(args.rows, rng, object if args.object_strings else "str")
    schema = infer_schema(frame, margin=0.1)
    peer = pandera_schema(schema)
    faulty = inject_faults(frame, rng)
    n_threads = os.cpu_count() or 1

    print(f"bench_validate_schema: {args.rows:,} rows x {frame.shape[1]} columns, "
          f"{frame.memory_usage(deep=False).sum() / 1e6:.0f} MB, median of {args.repeat}; "
          f"string column dtype {frame['city'].dtype}")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
          f"{platform.release()}; shiftguard threads: {n_threads}")
    print(f"versions: shiftguard {shiftguard.__version__}, pandera {pandera.__version__}, "
          f"pandas {pd.__version__}, numpy {np.__version__}, "
          f"python {platform.python_version()}; {datetime.date.today().isoformat()}")
    try:
        print(f"load average at start: {os.getloadavg()[0]:.1f}")
    except OSError:
        pass
    header = f"{'case':<22} {'shiftguard s':>13} {'pandera s':>11} {'ratio':>7}  (best: sg, pa)"
    print(header)
    for name, data in (("clean frame", frame), ("1% faults, 5 columns", faulty)):
        sg_median, sg_best, report = timed(lambda data=data: schema.validate(data), args.repeat)
        pa_median, pa_best, failed = timed(lambda data=data: run_pandera(peer, data), args.repeat)
        errors = {a.column for a in report.errors}
        if errors != failed:
            raise SystemExit(
                f"{name}: the libraries disagree: shiftguard flags {sorted(errors)}, "
                f"pandera {sorted(failed)}"
            )
        print(f"{name:<22} {sg_median:>13.4f} {pa_median:>11.4f} {pa_median / sg_median:>6.1f}x"
              f"  ({sg_best:.4f}, {pa_best:.4f})")
    print("agreement: both flag the same columns in each case")


if __name__ == "__main__":
    main()
