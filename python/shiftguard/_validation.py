"""Input checking shared by the public API: one place that turns user input into arrays
the compiled core accepts, or raises a clear ``TypeError``/``ValueError`` naming the
argument."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

_OPTIONS = {
    "correction": ("none", "bonferroni", "sidak", "holm", "fdr", "by"),
    "alternative": ("two-sided", "less", "greater"),
    "method": ("auto", "exact", "asymp"),
    "nan_policy": ("raise", "omit"),
}
_CORRECTION_ALIASES = {
    "bh": "fdr",
    "fdr_bh": "fdr",
    "benjamini-hochberg": "fdr",
    "fdr_by": "by",
    "benjamini-yekutieli": "by",
    None: "none",
}
_ALTERNATIVE_ALIASES = {"two_sided": "two-sided"}


def check_option(name: str, value: Any) -> str:
    """Return the canonical spelling of a string option or raise ValueError."""
    if name == "correction":
        value = _CORRECTION_ALIASES.get(value, value)
    if name == "alternative":
        value = _ALTERNATIVE_ALIASES.get(value, value)
    if not isinstance(value, str) or value not in _OPTIONS[name]:
        allowed = ", ".join(repr(v) for v in _OPTIONS[name])
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def check_p_val(p_val: Any) -> float:
    if isinstance(p_val, bool) or not isinstance(p_val, (int, float, np.floating, np.integer)):
        raise TypeError(f"p_val must be a number in (0, 1), got {type(p_val).__name__}")
    p_val = float(p_val)
    if not 0.0 < p_val < 1.0:
        raise ValueError(f"p_val must be in (0, 1), got {p_val}")
    return p_val


def check_n_threads(n_threads: Any) -> int:
    """None means all cores (0 for the core)."""
    if n_threads is None:
        return 0
    if isinstance(n_threads, bool) or not isinstance(n_threads, (int, np.integer)):
        raise TypeError(f"n_threads must be a positive int or None, got {n_threads!r}")
    if n_threads < 1:
        raise ValueError(f"n_threads must be a positive int or None, got {n_threads}")
    return int(n_threads)


def _float_dtype_for(array: np.ndarray, name: str) -> np.dtype:
    kind = array.dtype.kind
    if kind == "f":
        return np.dtype(np.float32) if array.dtype.itemsize <= 4 else np.dtype(np.float64)
    if kind in "iub":
        return np.dtype(np.float64)
    if kind == "c":
        raise TypeError(f"{name} must be real-valued, got complex dtype {array.dtype}")
    raise TypeError(
        f"{name} must hold numbers (float32, float64, int or bool), got dtype {array.dtype}"
    )


def as_float_matrix(
    x: Any, name: str, dtype: np.dtype | None = None
) -> tuple[np.ndarray, list[str] | None]:
    """Convert ``x`` (NumPy array, pandas DataFrame or nested sequence) to a 2-D float32 or
    float64 array without copying when it already is one, and return the column names of
    a DataFrame (else None). ``dtype`` forces the result type (converting if needed)."""
    names: list[str] | None = None
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(x, pd.Series):
        raise ValueError(
            f"{name} must be 2-D (samples x features), got a pandas Series; "
            "use series.to_frame()"
        )
    if pd is not None and isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        for column, column_dtype in zip(x.columns, x.dtypes):
            if not (
                pd.api.types.is_numeric_dtype(column_dtype)
                and not pd.api.types.is_complex_dtype(column_dtype)
            ):
                raise TypeError(
                    f"{name} column {str(column)!r} must be numeric, got dtype {column_dtype}"
                )
        # to_numpy keeps a single float block as a (Fortran-ordered) view where it can;
        # nullable extension dtypes become float64 with NaN for missing values.
        kinds = {np.dtype(t).kind if isinstance(t, np.dtype) else "x" for t in x.dtypes}
        if kinds <= {"f"} and len(set(x.dtypes)) == 1:
            array = x.to_numpy()
        else:
            array = x.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        if isinstance(x, (str, bytes)):
            raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
        array = np.asarray(x)
    if array.dtype == object:
        raise TypeError(
            f"{name} must hold numbers (float32, float64, int or bool), got dtype object"
        )
    target = dtype if dtype is not None else _float_dtype_for(array, name)
    if dtype is not None:
        _float_dtype_for(array, name)  # reject strings/complex before converting
    if array.ndim != 2:
        hint = " (use x.reshape(-1, 1) for a single feature)" if array.ndim == 1 else ""
        raise ValueError(
            f"{name} must be 2-D (samples x features), got {array.ndim}-D array "
            f"of shape {array.shape}{hint}"
        )
    if array.dtype != target:
        array = array.astype(target)
    if array.shape[0] < 2:
        raise ValueError(f"{name} must have at least 2 rows (samples), got {array.shape[0]}")
    if array.shape[1] < 1:
        raise ValueError(f"{name} must have at least one column (feature), got 0")
    return array, names


def as_float_vector(x: Any, name: str) -> np.ndarray:
    """Convert a 1-D sample to float32/float64 (no copy when already one)."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    array = np.asarray(x)
    if array.dtype == object:
        raise TypeError(f"{name} must hold numbers, got dtype object")
    target = _float_dtype_for(array, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {array.ndim}-D array of shape {array.shape}")
    if array.dtype != target:
        array = array.astype(target)
    return array


def feature_names_for(
    n_features: int, given: Sequence[str] | None, from_frame: list[str] | None
) -> tuple[str, ...]:
    if given is not None:
        names = tuple(str(n) for n in given)
        if len(names) != n_features:
            raise ValueError(
                f"feature_names has {len(names)} names but x_ref has {n_features} columns"
            )
        return names
    if from_frame is not None:
        return tuple(from_frame)
    return tuple(f"f{i}" for i in range(n_features))
