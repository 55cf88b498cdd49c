"""Mergeable column profiles (counts, moments, quantile sketch, distinct count, heavy hitters)
and the drift between two profiles, computed in one pass in the C++ core."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .. import _core

__all__ = ["ColumnProfile", "Profile", "profile"]

_QUANTILES = (0.25, 0.5, 0.75)


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return int(value)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative int, got {seed!r}")
    if seed < 0 or seed >= 2**64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    return int(seed)


# --------------------------------------------------------------------------------------
# Input conversion: numeric columns as float64 views, the others as distinct strings + counts.


class _Columns:
    """What the core needs: a 2-D float64 block, 1-D float64 columns, categorical inputs."""

    def __init__(self, n_rows: int, order: list[str]):
        self.n_rows = n_rows
        self.order = order
        self.block: np.ndarray | None = None
        self.block_names: list[str] = []
        self.columns: list[np.ndarray] = []
        self.column_names: list[str] = []
        self.categorical: list[Any] = []


def _column_names(labels: Iterable[Any]) -> list[str]:
    names = [label if isinstance(label, str) else str(label) for label in labels]
    seen: set[str] = set()
    duplicated = []
    for name in names:
        if name in seen and name not in duplicated:
            duplicated.append(name)
        seen.add(name)
    if duplicated:
        raise ValueError(
            "column names must be unique; duplicated: " + ", ".join(repr(n) for n in duplicated)
        )
    return names


def _categorical_from_codes(name: str, codes: np.ndarray, uniques: Sequence[Any], mixed: bool):
    codes = np.asarray(codes)
    valid = codes >= 0
    n_missing = int(codes.size - np.count_nonzero(valid))
    counts = np.bincount(codes[valid], minlength=len(uniques)).astype(np.uint64)
    values = [str(value) for value in uniques]
    return _core.ProfileCategoricalInput(name, values, counts, n_missing, mixed)


def _mixed_types(uniques: Sequence[Any]) -> bool:
    kinds = set()
    for value in uniques:
        if isinstance(value, (bool, np.bool_)):
            kinds.add("bool")
        elif isinstance(value, (int, np.integer)):
            kinds.add("int")
        elif isinstance(value, (float, np.floating)):
            kinds.add("float")
        elif isinstance(value, str):
            kinds.add("str")
        else:
            kinds.add(type(value).__name__)
    return len(kinds) > 1


def _categorical_series(name: str, series: Any):
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.asarray(series.cat.codes)
        categories = series.cat.categories
        mixed = categories.dtype == object and _mixed_types(list(categories))
        return _categorical_from_codes(name, codes, list(categories), mixed)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    uniques = list(uniques)
    mixed = dtype == object and _mixed_types(uniques)
    return _categorical_from_codes(name, codes, uniques, mixed)


def _is_numeric_dtype(dtype: Any) -> bool:
    import pandas as pd

    api = pd.api.types
    return (
        api.is_numeric_dtype(dtype)
        and not api.is_bool_dtype(dtype)
        and not api.is_complex_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
    )


def _numeric_series(series: Any) -> np.ndarray:

    dtype = series.dtype
    if isinstance(dtype, np.dtype):
        values = series.to_numpy(copy=False)
        return values if values.dtype == np.float64 else values.astype(np.float64)
    # nullable extension types (Int64, Float64, pyarrow numbers): pd.NA becomes NaN
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _from_frame(frame: Any, categorical: set[str]) -> _Columns:
    import pandas as pd

    names = _column_names(frame.columns)
    out = _Columns(len(frame), names)
    dtypes = list(frame.dtypes)
    for dtype, name in zip(dtypes, names):
        if pd.api.types.is_complex_dtype(dtype):
            raise TypeError(f"column {name!r} has complex dtype {dtype}, which cannot be profiled")
    all_float64 = all(isinstance(d, np.dtype) and d == np.float64 for d in dtypes)
    if all_float64 and names and not categorical:
        # One float64 block (the common case) reaches C++ as a strided view: no copy.
        block = frame.to_numpy(dtype=np.float64, copy=False)
        out.block = block
        out.block_names = names
        return out
    for position, name in enumerate(names):
        series = frame.iloc[:, position]
        if name not in categorical and _is_numeric_dtype(series.dtype):
            out.columns.append(_numeric_series(series))
            out.column_names.append(name)
        else:
            out.categorical.append(_categorical_series(name, series))
    return out


def _from_arrow(table: Any, categorical: set[str]) -> _Columns:
    import pyarrow as pa

    names = _column_names(table.column_names)
    out = _Columns(table.num_rows, names)
    for name, column in zip(names, table.columns):
        kind = column.type
        if name not in categorical and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            chunks = column.chunks
            if len(chunks) == 1 and pa.types.is_float64(kind) and chunks[0].null_count == 0:
                values = chunks[0].to_numpy(zero_copy_only=True)
            else:
                values = column.to_numpy()  # nulls become NaN (integers are promoted to float)
            out.columns.append(np.asarray(values, dtype=np.float64))
            out.column_names.append(name)
        else:
            out.categorical.append(_categorical_series(name, column.to_pandas()))
    return out


def _from_array(array: np.ndarray, categorical: set[str]) -> _Columns:
    import pandas as pd

    if array.ndim != 2:
        raise ValueError(f"data must be 2-D (samples x features), got {array.ndim}-D array")
    names = [f"f{i}" for i in range(array.shape[1])]
    if array.dtype.kind in "fiu" and not categorical:
        out = _Columns(array.shape[0], names)
        out.block = array if array.dtype == np.float64 else array.astype(np.float64)
        out.block_names = names
        return out
    if array.dtype.kind == "c":
        raise TypeError(f"data has complex dtype {array.dtype}, which cannot be profiled")
    return _from_frame(pd.DataFrame(array, columns=names), categorical)


def _convert(data: Any, categorical: Any) -> _Columns:
    forced: set[str] = set()
    if categorical is not None:
        if isinstance(categorical, str):
            categorical = [categorical]
        forced = {c if isinstance(c, str) else str(c) for c in categorical}
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        out = _from_frame(data, forced)
    elif type(data).__module__.startswith("pyarrow") and hasattr(data, "column_names"):
        out = _from_arrow(data, forced)
    elif isinstance(data, np.ndarray):
        out = _from_array(data, forced)
    else:
        raise TypeError(
            "data must be a pandas DataFrame, a pyarrow Table or a 2-D numpy array, got "
            f"{type(data).__name__}"
        )
    unknown = forced - set(out.order)
    if unknown:
        raise ValueError("categorical names columns that data lacks: " + ", ".join(sorted(unknown)))
    return out


# --------------------------------------------------------------------------------------
# Result objects.


class ColumnProfile:
    """Profile of one column: counts, moments, quantile sketch, distinct count, top values.

    Obtained as ``profile[name]``. ``count`` is the number of non-missing values (infinities
    included, as pandas counts them); mean, variance, min, max and quantiles are those of the
    finite values; ``n_infinite`` counts +-inf. Categorical columns have ``top(n)`` and
    ``n_distinct``; their numeric statistics are NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.validate import profile
    >>> col = profile(pd.DataFrame({"x": [1.0, 2.0, None, 4.0]}))["x"]
    >>> col.count, col.n_missing, col.min, col.max, col.mean
    (3, 1, 1.0, 4.0, 2.3333333333333335)
    """

    def __init__(self, state: Any):
        self._state = state

    name = property(lambda self: self._state.name, doc="Column name.")
    kind = property(lambda self: self._state.kind, doc="'numeric' or 'categorical'.")
    count = property(lambda self: self._state.count, doc="Non-missing values.")
    n_missing = property(lambda self: self._state.n_missing, doc="Missing values.")
    n_infinite = property(lambda self: self._state.n_infinite, doc="+-inf values.")
    mixed_types = property(
        lambda self: self._state.mixed_types, doc="Object column with values of several types."
    )
    min = property(lambda self: self._state.min, doc="Smallest finite value (NaN if none).")
    max = property(lambda self: self._state.max, doc="Largest finite value (NaN if none).")
    mean = property(lambda self: self._state.mean, doc="Mean of the finite values.")
    rank_error = property(
        lambda self: self._state.rank_error,
        doc="Bound on the error of quantile ranks (normalised, ~99% confidence).",
    )

    @property
    def variance(self) -> float:
        """Sample variance (ddof=1) of the finite values, as pandas computes it."""
        return self._state.variance(1)

    @property
    def std(self) -> float:
        """Sample standard deviation (ddof=1) of the finite values."""
        return float(np.sqrt(self._state.variance(1)))

    @property
    def n_distinct(self) -> float:
        """Estimated number of distinct non-missing values (HyperLogLog)."""
        return self._state.n_distinct

    def quantile(self, q: float) -> float:
        """Estimated q-quantile of the finite values (numeric columns); rank within
        ``rank_error``."""
        return self._state.quantile(float(q))

    def quantiles(self, qs: Sequence[float]) -> np.ndarray:
        """Estimated quantiles for each q in ``qs``."""
        return self._state.quantiles(np.asarray(qs, dtype=np.float64).ravel())

    def rank(self, x: float) -> float:
        """Estimated fraction of finite values <= x (numeric columns)."""
        return self._state.rank(float(x))

    def top(self, n: int = 10) -> list[tuple[str, int]]:
        """The n most frequent values (categorical columns) with estimated counts, descending;
        counts are exact while the column has at most ``top_k`` distinct values."""
        n = _check_int("n", n, 0, 2**31)
        return [(value, int(count)) for value, count in self._state.top(n)]

    def to_dict(self) -> dict[str, Any]:
        numeric = self.kind == "numeric"
        out = {
            "name": self.name,
            "kind": self.kind,
            "count": self.count,
            "n_missing": self.n_missing,
            "n_infinite": self.n_infinite,
            "n_distinct": self.n_distinct,
            "mean": self.mean,
            "std": self.std,
            "min": self.min,
        }
        for q in _QUANTILES:
            out[f"{int(q * 100)}%"] = self.quantile(q) if numeric else float("nan")
        out["max"] = self.max
        top = self.top(1)
        out["top"] = top[0][0] if top else None
        out["freq"] = top[0][1] if top else None
        out["mixed_types"] = self.mixed_types
        return out

    def __repr__(self) -> str:
        return (
            f"ColumnProfile(name={self.name!r}, kind={self.kind!r}, count={self.count}, "
            f"n_missing={self.n_missing})"
        )


class Profile:
    """Mergeable profile of a table. Build it with :func:`profile`.

    Profiles of parts of a data set merge into the profile of the whole (within each
    sketch's stated error), serialise to bytes and JSON, and give drift scores against
    another profile without the data.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.validate import profile, Profile
    >>> rng = np.random.default_rng(0)
    >>> a = pd.DataFrame({"x": rng.normal(size=1000), "c": rng.choice(["u", "v"], 1000)})
    >>> b = pd.DataFrame({"x": rng.normal(1.0, size=1000), "c": rng.choice(["u", "v"], 1000)})
    >>> both = profile(a).merge(profile(b))
    >>> both.n_rows, both.columns
    (2000, ['x', 'c'])
    >>> Profile.from_bytes(both.to_bytes()).n_rows
    2000
    >>> drift = profile(a).drift(profile(b))
    >>> bool(drift.loc["x", "psi"] > 0.2)
    True
    """

    def __init__(self, state: Any):
        if not isinstance(state, _core.TableProfile):
            raise TypeError("Profile is built by shiftguard.validate.profile(data)")
        self._state = state

    @property
    def n_rows(self) -> int:
        """Number of rows profiled."""
        return self._state.n_rows

    @property
    def columns(self) -> list[str]:
        """Column names, in table order."""
        return list(self._state.names())

    @property
    def options(self) -> dict[str, int]:
        """quantile_k, hll_precision, top_k and seed the profile was built with."""
        return dict(self._state.options())

    def __getitem__(self, name: Any) -> ColumnProfile:
        key = name if isinstance(name, str) else str(name)
        if key not in self._state.names():
            raise KeyError(name)
        return ColumnProfile(self._state.column(key))

    def __iter__(self):
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __contains__(self, name: Any) -> bool:
        return (name if isinstance(name, str) else str(name)) in self._state.names()

    def merge(self, other: Profile) -> Profile:
        """Profile of this table's rows and ``other``'s (a new object). Columns are matched by
        name; names, kinds and sketch options must agree (ValueError naming the column). A
        zero-row profile is the identity."""
        if not isinstance(other, Profile):
            raise TypeError(f"other must be a Profile, got {type(other).__name__}")
        return Profile(self._state.merged(other._state))

    @staticmethod
    def merge_all(profiles: Iterable[Profile]) -> Profile:
        """Merge a list of profiles in a balanced tree (neighbours pairwise, in list order)."""
        profiles = list(profiles)
        for index, item in enumerate(profiles):
            if not isinstance(item, Profile):
                raise TypeError(f"profiles[{index}] must be a Profile, got {type(item).__name__}")
        if not profiles:
            raise ValueError("merge_all needs at least one profile, got 0")
        return Profile(_core.validate_profile_merge_all([p._state for p in profiles]))

    def to_bytes(self) -> bytes:
        """Compact versioned binary form (shiftguard container, tag 'validate.profile')."""
        return self._state.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Profile:
        """Load :meth:`to_bytes` output; ValueError for corrupted, truncated or newer data."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        return cls(_core.TableProfile.from_bytes(bytes(data)))

    def to_json(self, indent: int | None = None) -> str:
        """JSON text with "format": "shiftguard.profile" and "version"."""
        return self._state.to_json(-1 if indent is None else int(indent))

    @classmethod
    def from_json(cls, text: str | dict) -> Profile:
        """Load :meth:`to_json` output (a string or the parsed dict)."""
        if isinstance(text, dict):
            text = json.dumps(text)
        if not isinstance(text, str):
            raise TypeError(f"text must be a JSON string or dict, got {type(text).__name__}")
        return cls(_core.TableProfile.from_json(text))

    def save(self, path: str | os.PathLike) -> None:
        """Write :meth:`to_bytes` to a file."""
        with open(os.fspath(path), "wb") as file:
            file.write(self.to_bytes())

    @classmethod
    def load(cls, path: str | os.PathLike) -> Profile:
        """Read a file written by :meth:`save`."""
        with open(os.fspath(path), "rb") as file:
            return cls.from_bytes(file.read())

    def __reduce__(self):
        return (Profile.from_bytes, (self.to_bytes(),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and self.to_bytes() == other.to_bytes()

    __hash__ = None  # type: ignore[assignment]

    def to_frame(self):
        """One row per column: kind, count, n_missing, n_infinite, n_distinct, mean, std, min,
        25%, 50%, 75%, max, top, freq, mixed_types (like ``DataFrame.describe().T``)."""
        import pandas as pd

        rows = [self[name].to_dict() for name in self.columns]
        frame = pd.DataFrame(rows)
        if frame.empty:
            return frame
        return frame.set_index("name")

    def drift(self, current: Profile, *, n_bins: int = 10):
        """Per-column drift of ``current`` against this (reference) profile, from the sketches.

        Returns a DataFrame indexed by column with psi, jensen_shannon (base 2), linf
        (numeric: the Kolmogorov-Smirnov statistic of the two sketched distributions;
        categorical: max |p_ref - p_cur| over the heavy hitters), wasserstein (numeric only,
        else NaN), rank_error (bound on the error of each sketched rank or proportion) and
        n_bins. Numeric bins lie at the reference's quantiles k / n_bins.
        """
        import pandas as pd

        if not isinstance(current, Profile):
            raise TypeError(f"current must be a Profile, got {type(current).__name__}")
        n_bins = _check_int("n_bins", n_bins, 2, 1_000_000)
        raw = _core.validate_profile_drift(self._state, current._state, n_bins)
        frame = pd.DataFrame(
            {key: raw[key] for key in ("kind", "psi", "jensen_shannon", "linf", "wasserstein",
                                       "rank_error", "n_bins")},
            index=pd.Index(raw["name"], name="column"),
        )
        return frame

    def __repr__(self) -> str:
        return f"Profile(n_rows={self.n_rows}, columns={self.columns!r})"

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()


def profile(
    data: Any,
    *,
    categorical: Sequence[str] | None = None,
    quantile_k: int = 200,
    hll_precision: int = 12,
    top_k: int = 64,
    seed: int = 0,
    n_jobs: int | None = None,
) -> Profile:
    """Profile a table in one pass: per column count, missing, infinite, min, max, mean,
    variance, a KLL quantile sketch, a HyperLogLog distinct count and (categorical columns)
    the most frequent values.

    Parameters
    ----------
    data : pandas.DataFrame, pyarrow.Table or 2-D numpy array
        Numeric columns are profiled as numbers (a frame that holds one float64 block reaches
        the core without a copy); bool, object, string, category and datetime columns as
        categorical values (``str(value)``). Missing: NaN, None, NaT, pd.NA. Array columns
        are named ``f0, f1, ...``; non-string column labels are converted with ``str``.
    categorical : list of str, optional
        Numeric columns to profile as categorical (e.g. integer codes).
    quantile_k : int, default 200
        KLL parameter (8 .. 65535); the rank error is about 1.65 / quantile_k.
    hll_precision : int, default 12
        HyperLogLog precision (4 .. 18): relative error 1.04 / sqrt(2**p).
    top_k : int, default 64
        Capacity of the heavy-hitters sketch of categorical columns.
    seed : int, default 0
        Seed of the quantile sketch's random compactions.
    n_jobs : int, optional
        Threads (None: all cores). The result does not depend on it.

    Returns
    -------
    Profile

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.validate import profile
    >>> p = profile(pd.DataFrame({"x": [1.0, 2.0, 3.0, float("nan")], "c": ["a", "b", "a", None]}))
    >>> p.n_rows, p["x"].mean, p["c"].top(1)
    (4, 2.0, [('a', 2)])
    """
    quantile_k = _check_int("quantile_k", quantile_k, 8, 65535)
    hll_precision = _check_int("hll_precision", hll_precision, 4, 18)
    top_k = _check_int("top_k", top_k, 1, 1_000_000)
    seed = _check_seed(seed)
    if n_jobs is None:
        n_threads = 0
    else:
        n_threads = _check_int("n_jobs", n_jobs, 1, 4096)
    columns = _convert(data, categorical)
    state = _core.validate_profile(
        columns.block,
        columns.block_names,
        columns.columns,
        columns.column_names,
        columns.categorical,
        columns.order,
        columns.n_rows,
        quantile_k,
        hll_precision,
        top_k,
        seed,
        n_threads,
    )
    return Profile(state)
