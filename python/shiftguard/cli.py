"""Command line: ``shiftguard check REF.csv CUR.csv`` and ``shiftguard demo``.

Exit codes scripts can use: 0 no drift, 1 drift, 2 bad input (unreadable or malformed
file, bad option). Errors name the file, the line and the column.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

EXIT_NO_DRIFT = 0
EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A problem with the user's files or options; reported and mapped to exit code 2."""


def _read_csv(path: str, columns: list[str] | None, nan_policy: str):
    """Read a numeric CSV with pandas, or raise InputError naming file, line and column."""
    import pandas as pd

    if not Path(path).is_file():
        raise InputError(f"{path}: no such file" if not Path(path).exists() else f"{path}: not a file")
    try:
        # Blank lines are kept (as missing rows) so that reported line numbers are exact.
        frame = pd.read_csv(path, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty") from None
    except pd.errors.ParserError as error:
        detail = str(error).replace("Error tokenizing data. C error: ", "").strip()
        raise InputError(f"{path}: malformed CSV: {detail}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if frame.shape[1] == 0:
        raise InputError(f"{path}: no columns")
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(f"{path}: no column named {', '.join(map(repr, missing))}")
        frame = frame[columns]
    for position, name in enumerate(frame.columns, start=1):
        series = frame[name]
        if series.dtype.kind in "fiub":
            numeric = series.astype(np.float64)
        else:
            numeric = pd.to_numeric(series, errors="coerce")
            bad = numeric.isna() & series.notna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(
                    f"{path}: line {row + 2}, column {name!r} (column {position}): "
                    f"{series.iloc[row]!r} is not a number (choose numeric columns with --columns)"
                )
        if nan_policy == "raise":
            missing_rows = np.flatnonzero(~np.isfinite(numeric.to_numpy(dtype=np.float64)))
            if missing_rows.size:
                row = int(missing_rows[0])
                value = series.iloc[row]
                what = "missing value" if value != value or value is None else f"{value!r}"
                raise InputError(
                    f"{path}: line {row + 2}, column {name!r} (column {position}): {what} "
                    "(use --nan-policy omit to drop non-finite values)"
                )
        frame[name] = numeric
    if len(frame) < 2:
        raise InputError(f"{path}: needs at least 2 data rows, got {len(frame)}")
    return frame


def _check(args: argparse.Namespace) -> int:
    from .drift import KSDrift

    columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
    reference = _read_csv(args.reference, columns, args.nan_policy)
    current = _read_csv(args.current, columns, args.nan_policy)
    missing = [c for c in reference.columns if c not in current.columns]
    if missing:
        raise InputError(
            f"{args.current}: missing column(s) {', '.join(map(repr, missing))} "
            f"present in {args.reference}"
        )
    current = current[list(reference.columns)]
    try:
        detector = KSDrift(
            reference,
            p_val=args.p_val,
            correction=args.correction,
            alternative=args.alternative,
            nan_policy=args.nan_policy,
            n_threads=args.threads,
        )
        result = detector.predict(current)
    except (ValueError, TypeError) as error:
        raise InputError(str(error)) from None
    if args.json:
        json.dump(_as_json(args, reference, current, result), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(
            f"shiftguard check: {args.reference} ({len(reference)} rows) vs "
            f"{args.current} ({len(current)} rows), Kolmogorov-Smirnov test"
        )
        print(result.table())
    return EXIT_DRIFT if result.is_drift else EXIT_NO_DRIFT


def _as_json(args, reference, current, result) -> dict[str, Any]:
    from . import __version__

    return {
        "shiftguard_version": __version__,
        "test": "ks",
        "reference": {"path": str(args.reference), "rows": int(len(reference))},
        "current": {"path": str(args.current), "rows": int(len(current))},
        "is_drift": bool(result.is_drift),
        "p_val": result.p_val,
        "correction": result.correction,
        "threshold": result.threshold,
        "features": [
            {
                "name": name,
                "statistic": float(stat),
                "p_value": float(p),
                "corrected_p_value": float(cp),
                "drifted": bool(d),
            }
            for name, stat, p, cp, d in zip(
                result.feature_names,
                result.statistics,
                result.p_values,
                result.corrected_p_values,
                result.feature_is_drift,
            )
        ],
    }


def _add_test_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--p-val", type=float, default=0.05, help="significance level (0.05)")
    parser.add_argument(
        "--correction",
        choices=["bonferroni", "holm", "sidak", "fdr", "by", "none"],
        default="bonferroni",
        help="multiple-testing correction (bonferroni); holm and sidak also bound the chance of "
        "any false alarm, fdr (Benjamini-Hochberg) and by (Benjamini-Yekutieli) the fraction of "
        "false alarms among drifted features",
    )
    parser.add_argument(
        "--alternative", choices=["two-sided", "less", "greater"], default="two-sided"
    )
    parser.add_argument(
        "--nan-policy",
        choices=["raise", "omit"],
        default="raise",
        help="missing or infinite values: report them (raise) or drop them (omit)",
    )
    parser.add_argument("--columns", help="comma-separated columns to test (default: all)")
    parser.add_argument("--threads", type=int, default=None, help="threads (default: all cores)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="shiftguard",
        description="Check whether a current data sample drifted from a reference sample.",
        epilog="Exit status: 0 no drift, 1 drift, 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"shiftguard {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="per-feature drift check of CUR.csv against REF.csv (KS test)"
    )
    check.add_argument("reference", metavar="REF.csv", help="reference sample (CSV with header)")
    check.add_argument("current", metavar="CUR.csv", help="current sample (same columns)")
    _add_test_options(check)
    demo = commands.add_parser("demo", help="run 'check' on the data bundled with shiftguard")
    _add_test_options(demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .datasets import demo_paths

        reference, current = demo_paths()
        args.reference, args.current = str(reference), str(current)
    try:
        return _check(args)
    except InputError as error:
        message = str(error)
        if args.json:
            json.dump({"error": message}, sys.stdout)
            sys.stdout.write("\n")
        print(f"shiftguard: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
