"""Integrity checks of a training set: exact duplicates, conflicting labels, near-constant
columns, mixed types in object columns, robust z-score and IQR outliers, single-feature
label leakage, train-test contamination, a class-imbalance summary, and label issues by
confident learning (the definitions of cleanlab 2.9's ``cleanlab.filter.find_label_issues``).

Row-wise checks hash an integer-coded copy of the table in C++: numeric columns as the
IEEE-754 bit pattern of their float64 value (``-0.0`` equals ``0.0``, every NaN is one
value), other columns as ``pandas.factorize`` codes (missing values are one value). The
conversion is vectorised; the table is hashed in parallel and rows with equal hashes are
compared code by code, so a hash collision never merges different rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._validation import check_n_threads
from ._report import Anomaly, ValidationReport

__all__ = [
    "ContaminationResult",
    "DuplicateResult",
    "ImbalanceSummary",
    "OutlierResult",
    "check_integrity",
    "find_conflicting_labels",
    "find_contamination",
    "find_duplicates",
    "find_label_issues",
    "find_leakage",
    "find_mixed_types",
    "find_near_constant",
    "find_outliers",
    "imbalance_summary",
]

_NAN_CODE = np.uint64(0x7FF8000000000000)
_EXACT_INT = 2**53
_FILTERS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
)


# --------------------------------------------------------------------------- encoding


def _check_frame(df: Any, name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        if isinstance(df, np.ndarray) and df.ndim == 2:
            return pd.DataFrame(df, columns=[f"x{i}" for i in range(df.shape[1])])
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    if df.columns.has_duplicates:
        duplicated = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(f"{name} has duplicated column names: {', '.join(duplicated)}")
    return df


def _is_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    if pd.api.types.is_complex_dtype(dtype):
        raise TypeError(f"column {str(series.name)!r} is complex ({dtype}), which is not supported")
    return bool(pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))


def _float_bits(values: np.ndarray) -> np.ndarray:
    """Canonical bit patterns of float64 values (vectorised)."""
    values = np.array(values, dtype=np.float64, copy=True)
    values[values == 0.0] = 0.0  # -0.0 -> +0.0
    bits = values.view(np.uint64)
    bits[np.isnan(values)] = _NAN_CODE
    return bits


def _column_codes(columns: Sequence[pd.Series]) -> tuple[list[np.ndarray], bool]:
    """Codes of the same column in one or more frames (consistent across them), and whether
    the column is coded numerically (bit patterns)."""
    if all(_is_numeric(c) for c in columns):
        arrays = [c.to_numpy(dtype=np.float64, na_value=np.nan) for c in columns]
        exact = True
        for column in columns:
            if pd.api.types.is_integer_dtype(column.dtype) and len(column):
                low, high = column.min(), column.max()
                if pd.notna(low) and (abs(int(low)) > _EXACT_INT or abs(int(high)) > _EXACT_INT):
                    exact = False
        if exact:
            return [_float_bits(a) for a in arrays], True
    if len(columns) == 1:
        column = columns[0]
        if isinstance(column.dtype, pd.CategoricalDtype):
            # the category codes already are a factorization (-1: missing, one value)
            return [column.cat.codes.to_numpy().astype(np.int64).view(np.uint64)], False
        codes, _ = pd.factorize(column, use_na_sentinel=False)
        return [codes.astype(np.int64).view(np.uint64)], False
    joined = pd.concat([pd.Series(c.to_numpy(dtype=object)) for c in columns], ignore_index=True)
    codes, _ = pd.factorize(joined, use_na_sentinel=False)
    codes = codes.astype(np.int64).view(np.uint64)
    out, start = [], 0
    for column in columns:
        out.append(codes[start : start + len(column)])
        start += len(column)
    return out, False


def _encode(*frames: pd.DataFrame) -> tuple[list[np.ndarray], list[bool]]:
    """Integer-coded tables (n_rows x n_columns, uint64, Fortran order) of frames with the
    same columns, coded consistently, and which columns are numeric."""
    columns = list(frames[0].columns)
    tables = [np.empty((len(f), len(columns)), dtype=np.uint64, order="F") for f in frames]
    numeric = []
    for j, name in enumerate(columns):
        codes, is_numeric = _column_codes([f[name] for f in frames])
        numeric.append(is_numeric)
        for table, column_codes in zip(tables, codes):
            table[:, j] = column_codes
    return tables, numeric


def _label_codes(values: Any, name: str) -> np.ndarray:
    """Codes of a label column in sorted order of the labels (so that ties between classes go
    to the smallest label), in order of appearance when the labels cannot be sorted."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    try:
        codes, _ = pd.factorize(series, sort=True, use_na_sentinel=False)
    except TypeError:
        codes, _ = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int64).view(np.uint64)


def _features_and_label(df: pd.DataFrame, label: Any) -> tuple[pd.DataFrame, pd.Series]:
    if label not in df.columns:
        raise ValueError(f"label column {label!r} is not in the DataFrame (columns: {list(df.columns)})")
    features = df.drop(columns=[label])
    if features.shape[1] == 0:
        raise ValueError("the DataFrame has no feature column besides the label")
    return features, df[label]


def _check_threshold(value: Any, name: str, low_open: bool = True, high: float | None = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    bad = not np.isfinite(value) or value <= 0 or (high is not None and value > high)
    if bad:
        rule = f"in (0, {high}]" if high is not None else "a finite number > 0"
        raise ValueError(f"{name} must be {rule}, got {value}")
    return value


# --------------------------------------------------------------------------- duplicates


@dataclass(frozen=True, eq=False)
class DuplicateResult:
    """Groups of identical rows."""

    first_occurrence: np.ndarray = field(repr=False)
    """For every row, the position of the first row identical to it (itself if none is
    earlier)."""

    @property
    def n_rows(self) -> int:
        """Rows in the checked table."""
        return len(self.first_occurrence)

    @property
    def duplicated(self) -> np.ndarray:
        """Boolean mask of rows that have an identical row elsewhere (pandas'
        ``df.duplicated(keep=False)``)."""
        sizes = np.bincount(self.first_occurrence, minlength=self.n_rows)
        return sizes[self.first_occurrence] >= 2

    @property
    def n_duplicates(self) -> int:
        """Rows that repeat an earlier row (``df.duplicated().sum()``)."""
        return int(np.count_nonzero(self.first_occurrence != np.arange(self.n_rows)))

    @property
    def groups(self) -> list[np.ndarray]:
        """Each group of at least two identical rows (positions ascending), ordered by the
        group's first row."""
        mask = self.duplicated
        rows = np.flatnonzero(mask)
        if len(rows) == 0:
            return []
        keys = self.first_occurrence[rows]
        order = np.argsort(keys, kind="stable")
        rows, keys = rows[order], keys[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        return np.split(rows, starts[1:])


def find_duplicates(
    df: pd.DataFrame, *, subset: Sequence[Any] | None = None, n_threads: int | None = None
) -> DuplicateResult:
    """Exact duplicate rows, by hashing in C++ (no sorting of strings in Python).

    Parameters
    ----------
    df : pandas.DataFrame
        The table; numeric, boolean, string, categorical and object columns.
    subset : sequence of column names, optional
        Compare only these columns (all by default).
    n_threads : int, optional
        Threads for hashing (all cores by default); the result does not depend on it.

    Returns
    -------
    DuplicateResult
        ``groups`` of identical rows and the ``duplicated`` mask.

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.validate import find_duplicates
    >>> df = pd.DataFrame({"a": [1, 2, 1, 3], "b": ["x", "y", "x", "x"]})
    >>> result = find_duplicates(df)
    >>> [g.tolist() for g in result.groups]
    [[0, 2]]
    >>> result.duplicated.tolist() == df.duplicated(keep=False).tolist()
    True
    """
    df = _check_frame(df, "df")
    threads = check_n_threads(n_threads)
    if subset is not None:
        missing = [c for c in subset if c not in df.columns]
        if missing:
            raise ValueError(f"subset names columns that are not in df: {missing}")
        df = df[list(subset)]
    if df.shape[1] == 0:
        raise ValueError("df has no columns to compare")
    (codes,), _ = _encode(df)
    return DuplicateResult(first_occurrence=_core.validate_first_occurrences(codes, None, threads))


def find_conflicting_labels(
    df: pd.DataFrame, label: Any, *, n_threads: int | None = None
) -> list[tuple[np.ndarray, list[Any]]]:
    """Groups of rows with identical features but different labels.

    Parameters
    ----------
    df : pandas.DataFrame
        Features and the label column.
    label : column name
        The label column; every other column is a feature.
    n_threads : int, optional
        Threads for hashing (all cores by default).

    Returns
    -------
    list of (rows, labels)
        For each group (ordered by first row): its row positions and its distinct labels
        (in order of first appearance in the table).

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.validate import find_conflicting_labels
    >>> df = pd.DataFrame({"x": [1, 1, 2, 2], "y": ["a", "b", "c", "c"]})
    >>> [(rows.tolist(), labels) for rows, labels in find_conflicting_labels(df, "y")]
    [([0, 1], ['a', 'b'])]
    """
    df = _check_frame(df, "df")
    threads = check_n_threads(n_threads)
    features, labels = _features_and_label(df, label)
    (codes,), _ = _encode(features)
    label_codes, uniques = pd.factorize(pd.Series(labels.to_numpy(dtype=object)), use_na_sentinel=False)
    groups = _core.validate_conflicting_labels(
        codes, label_codes.astype(np.int64).view(np.uint64), threads
    )
    return [(rows, [uniques[int(c)] for c in codes_]) for rows, codes_ in groups]


@dataclass(frozen=True, eq=False)
class ContaminationResult:
    """Test rows that also occur in the training set."""

    test_rows: np.ndarray
    """Positions of contaminated test rows, ascending."""
    train_rows: np.ndarray
    """For each, the position of the first identical training row."""
    n_test: int
    """Rows in the test set."""

    @property
    def fraction(self) -> float:
        """Share of test rows found in the training set."""
        return len(self.test_rows) / self.n_test if self.n_test else 0.0


def find_contamination(
    train: pd.DataFrame, test: pd.DataFrame, *, n_threads: int | None = None
) -> ContaminationResult:
    """Train-test contamination: rows of ``test`` whose values all occur in one row of
    ``train``.

    Both frames must have the same columns (matched by name). Numeric values are compared as
    float64 (so ``1`` equals ``1.0``); other values after factorizing both frames together.

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.validate import find_contamination
    >>> train = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    >>> test = pd.DataFrame({"a": [2, 5], "b": ["y", "y"]})
    >>> result = find_contamination(train, test)
    >>> result.test_rows.tolist(), result.train_rows.tolist()
    ([0], [1])
    """
    train = _check_frame(train, "train")
    test = _check_frame(test, "test")
    threads = check_n_threads(n_threads)
    missing = [c for c in train.columns if c not in test.columns]
    extra = [c for c in test.columns if c not in train.columns]
    if missing or extra:
        raise ValueError(
            f"test must have the columns of train: missing {missing}, unexpected {extra}"
        )
    if train.shape[1] == 0:
        raise ValueError("train has no columns to compare")
    (train_codes, test_codes), _ = _encode(train, test[list(train.columns)])
    test_rows, train_rows = _core.validate_contamination(train_codes, test_codes, threads)
    return ContaminationResult(test_rows=test_rows, train_rows=train_rows, n_test=len(test))


# --------------------------------------------------------------------------- columns


def find_near_constant(
    df: pd.DataFrame, threshold: float = 0.95, *, n_threads: int | None = None
) -> pd.DataFrame:
    """Near-constant columns: the share of the most frequent value (missing values count as
    one value, as ``value_counts(dropna=False)``) is at least ``threshold``.

    Returns
    -------
    pandas.DataFrame
        One row per column: ``top_value``, ``top_count``, ``top_share``, ``n_distinct``,
        ``near_constant``.

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.validate import find_near_constant
    >>> df = pd.DataFrame({"a": [0] * 19 + [1], "b": range(20)})
    >>> find_near_constant(df, 0.9)["near_constant"].tolist()
    [True, False]
    """
    df = _check_frame(df, "df")
    threshold = _check_threshold(threshold, "threshold")
    threads = check_n_threads(n_threads)
    if len(df) == 0:
        raise ValueError("df has zero rows")
    (codes,), _ = _encode(df)
    result = _core.validate_column_frequencies(codes, threshold, threads)
    top_values = []
    for j in range(codes.shape[1]):
        row = int(np.argmax(codes[:, j] == result["top_code"][j]))
        top_values.append(df.iloc[row, j])
    return pd.DataFrame(
        {
            "top_value": top_values,
            "top_count": result["top_count"],
            "top_share": result["top_share"],
            "n_distinct": result["n_distinct"],
            "near_constant": result["near_constant"],
        },
        index=pd.Index([str(c) for c in df.columns], name="column"),
    )


def find_mixed_types(df: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Object columns whose non-null values are of more than one Python type.

    Returns
    -------
    dict
        ``{column: {type name: count}}`` for each such column (types by decreasing count).

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.validate import find_mixed_types
    >>> df = pd.DataFrame({"a": [1, "2", 3.5, None], "b": ["x", "y", "z", None]})
    >>> find_mixed_types(df)
    {'a': {'float': 1, 'int': 1, 'str': 1}}
    """
    df = _check_frame(df, "df")
    out: dict[str, dict[str, int]] = {}
    for name in df.columns:
        column = df[name]
        if column.dtype != object:
            continue
        values = column[column.notna()]
        if len(values) == 0:
            continue
        counts = values.map(lambda v: type(v).__name__).value_counts()
        if len(counts) > 1:
            ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            out[str(name)] = {str(k): int(v) for k, v in ordered}
    return out


@dataclass(frozen=True, eq=False)
class OutlierResult:
    """Outliers of the numeric columns."""

    method: str
    """'robust_z' or 'iqr'."""
    threshold: float
    """The z-score limit (robust_z) or the IQR multiplier (iqr)."""
    summary: pd.DataFrame
    """One row per numeric column: n_values, center, scale, lower, upper, n_outliers, examples."""
    rows: dict[str, np.ndarray] = field(repr=False)
    """Every outlying row position of each column, ascending."""


def find_outliers(
    df: pd.DataFrame,
    method: str = "robust_z",
    threshold: float | None = None,
    *,
    max_examples: int = 5,
    n_threads: int | None = None,
) -> OutlierResult:
    """Outliers of every numeric column, columns in parallel in C++.

    ``method='robust_z'``: a value is an outlier when ``|x - median| / (1.4826 MAD) >
    threshold`` (default 3.5, Iglewicz and Hoaglin); a column whose MAD is 0 has none.
    ``method='iqr'``: outside ``[Q1 - threshold IQR, Q3 + threshold IQR]`` (default 1.5),
    quartiles by NumPy's default linear method. Only finite values are scored.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.validate import find_outliers
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 1.5, 1.8, 50.0, 1.2], "b": list("uvwxyz")})
    >>> result = find_outliers(df)
    >>> result.rows["a"].tolist(), int(result.summary.loc["a", "n_outliers"])
    ([4], 1)
    """
    df = _check_frame(df, "df")
    if method not in ("robust_z", "iqr"):
        raise ValueError(f"method must be 'robust_z' or 'iqr', got {method!r}")
    if threshold is None:
        threshold = 3.5 if method == "robust_z" else 1.5
    threshold = _check_threshold(threshold, "threshold", high=None)
    threads = check_n_threads(n_threads)
    names = [c for c in df.columns if _is_numeric(df[c]) and not pd.api.types.is_bool_dtype(df[c].dtype)]
    if not names:
        raise ValueError("df has no numeric column to check for outliers")
    x = np.empty((len(df), len(names)), dtype=np.float64, order="F")
    for j, name in enumerate(names):
        x[:, j] = df[name].to_numpy(dtype=np.float64, na_value=np.nan)
    columns = _core.validate_outliers(x, method, threshold, threads)
    rows = {str(n): c["rows"] for n, c in zip(names, columns)}
    summary = pd.DataFrame(
        {
            "n_values": [c["n_values"] for c in columns],
            "center": [c["center"] for c in columns],
            "scale": [c["scale"] for c in columns],
            "lower": [c["lower"] for c in columns],
            "upper": [c["upper"] for c in columns],
            "n_outliers": [len(c["rows"]) for c in columns],
            "examples": [tuple(int(r) for r in c["rows"][:max_examples]) for c in columns],
        },
        index=pd.Index([str(n) for n in names], name="column"),
    )
    return OutlierResult(method=method, threshold=threshold, summary=summary, rows=rows)


def find_leakage(
    df: pd.DataFrame,
    label: Any,
    *,
    threshold: float = 0.99,
    n_folds: int = 5,
    n_threads: int | None = None,
) -> pd.DataFrame:
    """Features that alone predict the label almost perfectly (target leakage).

    For each feature, the out-of-fold accuracy and balanced accuracy (mean recall over the
    classes, scikit-learn's ``balanced_accuracy_score``) of a one-feature rule, with row
    ``i`` in fold ``i % n_folds``. Categorical features: value -> majority label among the
    training folds' rows with that value; a value never seen in the training folds -> their
    majority label, so an ID column scores like a constant guess (ties between labels go to
    the smallest label). Numeric features: the majority label of the nearest training value (1-nearest neighbour on that feature). A
    feature is flagged when its balanced accuracy is >= ``threshold``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.validate import find_leakage
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> df = pd.DataFrame({"id": np.arange(200), "leak": y * 3.0, "noise": rng.normal(size=200), "y": y})
    >>> find_leakage(df, "y")["flagged"].tolist()
    [False, True, False]
    """
    df = _check_frame(df, "df")
    threshold = _check_threshold(threshold, "threshold")
    threads = check_n_threads(n_threads)
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)) or n_folds < 2:
        raise ValueError(f"n_folds must be an int >= 2, got {n_folds!r}")
    features, labels = _features_and_label(df, label)
    if labels.isna().any():
        raise ValueError(f"label column {label!r} has {int(labels.isna().sum())} missing values")
    (codes,), numeric = _encode(features)
    result = _core.validate_leakage(
        codes, numeric, _label_codes(labels, "label"), int(n_folds), threshold, threads
    )
    return pd.DataFrame(
        {
            "balanced_accuracy": result["balanced_accuracy"],
            "accuracy": result["accuracy"],
            "flagged": result["flagged"],
        },
        index=pd.Index([str(c) for c in features.columns], name="column"),
    )


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class ImbalanceSummary:
    """Class counts of a label column."""

    counts: dict[Any, int]
    """Examples per class, most frequent first (ties: class order)."""
    proportions: dict[Any, float]
    """Share of each class."""
    imbalance_ratio: float
    """Largest class count / smallest class count."""
    minority_classes: list[Any]
    """Classes whose share is below half of the uniform share 1 / n_classes."""


def imbalance_summary(labels: Any) -> ImbalanceSummary:
    """Counts, proportions, imbalance ratio and minority classes of a label vector.

    Examples
    --------
    >>> from shiftguard.validate import imbalance_summary
    >>> s = imbalance_summary(["a"] * 90 + ["b"] * 8 + ["c"] * 2)
    >>> s.counts, s.imbalance_ratio, s.minority_classes
    ({'a': 90, 'b': 8, 'c': 2}, 45.0, ['b', 'c'])
    """
    values = pd.Series(labels.to_numpy() if isinstance(labels, pd.Series) else np.asarray(labels, dtype=object) if not isinstance(labels, np.ndarray) else labels)
    if values.ndim != 1:
        raise ValueError("labels must be 1-D")
    if len(values) == 0:
        raise ValueError("labels is empty")
    if values.isna().any():
        raise ValueError(f"labels has {int(values.isna().sum())} missing values")
    counts = values.value_counts(sort=True)
    n = len(values)
    k = len(counts)
    out_counts = {_plain(c): int(v) for c, v in counts.items()}
    return ImbalanceSummary(
        counts=out_counts,
        proportions={c: v / n for c, v in out_counts.items()},
        imbalance_ratio=float(counts.max() / counts.min()),
        minority_classes=[c for c, v in out_counts.items() if v / n < 0.5 / k],
    )


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _encode_labels(labels: Any, n_classes: int, classes: Sequence[Any] | None) -> np.ndarray:
    array = labels.to_numpy() if isinstance(labels, pd.Series) else np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"labels must be 1-D, got {array.ndim}-D")
    if classes is not None:
        classes = list(classes)
        if len(classes) != n_classes:
            raise ValueError(
                f"classes has {len(classes)} entries but pred_probs has {n_classes} columns"
            )
        lookup = pd.Index(classes)
        if lookup.has_duplicates:
            raise ValueError("classes has duplicated entries")
        codes = lookup.get_indexer(pd.Series(array, dtype=object) if array.dtype == object else array)
        if (codes < 0).any():
            bad = array[np.flatnonzero(codes < 0)[0]]
            raise ValueError(f"labels contains {bad!r}, which is not in classes")
        return codes.astype(np.int64)
    if array.dtype.kind in "iu":
        if len(array) and (array.min() < 0 or array.max() >= n_classes):
            raise ValueError(
                f"labels must be in [0, {n_classes}) (one column of pred_probs per class), "
                f"got values from {array.min()} to {array.max()}; pass classes= to map other labels"
            )
        return array.astype(np.int64)
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise ValueError("labels has missing values (NaN)")
    uniques, codes = np.unique(array, return_inverse=True)
    if len(uniques) != n_classes:
        raise ValueError(
            f"labels has {len(uniques)} distinct classes but pred_probs has {n_classes} columns; "
            "pass classes= (the class of each column) to encode them"
        )
    return codes.astype(np.int64)


def find_label_issues(
    labels: Any,
    pred_probs: Any,
    *,
    filter_by: str = "prune_by_noise_rate",
    return_indices_ranked_by: str | None = None,
    min_examples_per_class: int = 1,
    confident_joint: Any = None,
    classes: Sequence[Any] | None = None,
    n_threads: int | None = None,
) -> np.ndarray:
    """Label issues by confident learning (Northcutt et al. 2021), as cleanlab 2.9's
    ``cleanlab.filter.find_label_issues`` defines them for the same probabilities.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Given labels of any type. Integers in ``[0, K)`` index the columns of ``pred_probs``;
        other labels are encoded by their sorted distinct values (as scikit-learn's
        ``classes_``), or by ``classes`` when given.
    pred_probs : array-like of shape (n, K)
        Out-of-sample predicted probabilities (for example from ``cross_val_predict``).
    filter_by : str
        'prune_by_noise_rate' (default), 'prune_by_class', 'both', 'confident_learning' or
        'predicted_neq_given' (cleanlab's definitions).
    return_indices_ranked_by : None or 'self_confidence'
        None returns a boolean mask; 'self_confidence' returns the indices of the issues
        ordered by the predicted probability of their given label, lowest first.
    min_examples_per_class : int
        Never prune a class below this many examples.
    confident_joint : array of shape (K, K), optional
        A precomputed confident joint (cleanlab's argument).
    classes : sequence, optional
        The class of each column of ``pred_probs``.
    n_threads : int, optional
        Threads (classes in parallel); the result does not depend on it.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.validate import find_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8], [0.95, 0.05]])
    >>> labels = np.array(["cat", "cat", "dog", "dog", "dog"])
    >>> find_label_issues(labels, pred_probs).tolist()
    [False, False, False, False, True]
    >>> find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence").tolist()
    [4]
    """
    if filter_by not in _FILTERS:
        allowed = ", ".join(repr(f) for f in _FILTERS)
        raise ValueError(f"filter_by must be one of {allowed}, got {filter_by!r}")
    if return_indices_ranked_by not in (None, "self_confidence"):
        raise ValueError(
            "return_indices_ranked_by must be None or 'self_confidence', got "
            f"{return_indices_ranked_by!r}"
        )
    if isinstance(min_examples_per_class, bool) or not isinstance(min_examples_per_class, (int, np.integer)) or min_examples_per_class < 0:
        raise ValueError(f"min_examples_per_class must be an int >= 0, got {min_examples_per_class!r}")
    threads = check_n_threads(n_threads)
    probs = np.asarray(pred_probs)
    if probs.dtype.kind not in "f":
        if probs.dtype.kind in "iub":
            probs = probs.astype(np.float64)
        else:
            raise TypeError(f"pred_probs must hold numbers, got dtype {probs.dtype}")
    if probs.ndim != 2:
        raise ValueError(f"pred_probs must be 2-D (examples x classes), got {probs.ndim}-D")
    if probs.shape[1] < 2:
        raise ValueError(f"pred_probs must have at least 2 columns (classes), got {probs.shape[1]}")
    codes = _encode_labels(labels, probs.shape[1], classes)
    if len(codes) != probs.shape[0]:
        raise ValueError(f"labels has {len(codes)} entries but pred_probs has {probs.shape[0]} rows")
    joint = None
    if confident_joint is not None:
        joint = np.asarray(confident_joint)
        if joint.shape != (probs.shape[1], probs.shape[1]):
            raise ValueError(
                f"confident_joint must have shape ({probs.shape[1]}, {probs.shape[1]}), got {joint.shape}"
            )
        joint = np.rint(joint).astype(np.int64)
    result = _core.validate_find_label_issues(
        codes, probs, filter_by, int(min_examples_per_class), joint, threads
    )
    if return_indices_ranked_by is None:
        return result["is_issue"]
    return result["ranked"]


# --------------------------------------------------------------------------- report


def _examples(rows: Any, max_examples: int) -> tuple[int, ...]:
    return tuple(int(r) for r in np.asarray(rows)[:max_examples])


def check_integrity(
    df: pd.DataFrame,
    label: Any = None,
    test: pd.DataFrame | None = None,
    pred_probs: Any = None,
    *,
    near_constant_threshold: float = 0.95,
    outlier_method: str = "robust_z",
    outlier_threshold: float | None = None,
    leakage_threshold: float = 0.99,
    filter_by: str = "prune_by_noise_rate",
    max_examples: int = 5,
    n_threads: int | None = None,
) -> ValidationReport:
    """Runs every integrity check and returns the findings as a :class:`ValidationReport`.

    Kinds (severity): ``duplicate_rows`` (warning), ``conflicting_labels`` (error),
    ``near_constant`` (warning), ``mixed_types`` (error), ``outliers`` (info), ``leakage``
    (error), ``contamination`` (error), ``class_imbalance`` (warning when the imbalance
    ratio exceeds 10, else info), ``label_issues`` (warning). Checks that need a label, a
    test set or predicted probabilities run only when given.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.validate import check_integrity
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=100), "y": rng.integers(0, 2, 100)})
    >>> df["copy"] = df["y"] * 2
    >>> df.loc[7, "x"] = 50.0
    >>> df.loc[5] = df.loc[4]
    >>> report = check_integrity(df, label="y")
    >>> sorted({a.kind for a in report})
    ['class_imbalance', 'duplicate_rows', 'leakage', 'outliers']
    """
    df = _check_frame(df, "df")
    if len(df) == 0:
        raise ValueError("df has zero rows")
    anomalies: list[Anomaly] = []
    duplicates = find_duplicates(df, n_threads=n_threads)
    if duplicates.n_duplicates:
        groups = duplicates.groups
        rows = np.flatnonzero(duplicates.duplicated)
        anomalies.append(
            Anomaly(None, "duplicate_rows", "warning",
                    f"{len(groups)} groups of identical rows ({duplicates.n_duplicates} repeated rows)",
                    rows=_examples(rows, max_examples), count=len(rows))
        )
    near = find_near_constant(df, near_constant_threshold, n_threads=n_threads)
    for name, row in near[near["near_constant"]].iterrows():
        anomalies.append(
            Anomaly(str(name), "near_constant", "warning",
                    f"{row['top_share']:.1%} of the rows hold {row['top_value']!r}")
        )
    for name, types in find_mixed_types(df).items():
        listed = ", ".join(f"{t} ({c})" for t, c in types.items())
        anomalies.append(Anomaly(name, "mixed_types", "error", f"values of several types: {listed}"))
    features = df.drop(columns=[label]) if label is not None and label in df.columns else df
    if any(_is_numeric(features[c]) and not pd.api.types.is_bool_dtype(features[c].dtype) for c in features.columns):
        outliers = find_outliers(features, outlier_method, outlier_threshold, max_examples=max_examples, n_threads=n_threads)
        for name, row in outliers.summary.iterrows():
            if row["n_outliers"] > 0:
                anomalies.append(
                    Anomaly(str(name), "outliers", "info",
                            f"{row['n_outliers']} values outside [{row['lower']:.6g}, {row['upper']:.6g}] ({outlier_method})",
                            rows=row["examples"], count=int(row["n_outliers"]))
                )
    if label is not None:
        _, labels = _features_and_label(df, label)
        for rows, values in find_conflicting_labels(df, label, n_threads=n_threads):
            anomalies.append(
                Anomaly(str(label), "conflicting_labels", "error",
                        f"identical features with labels {values!r}",
                        rows=_examples(rows, max_examples), count=len(rows))
            )
        if len(df) >= 5 and not labels.isna().any():
            leakage = find_leakage(df, label, threshold=leakage_threshold, n_threads=n_threads)
            for name, row in leakage[leakage["flagged"]].iterrows():
                anomalies.append(
                    Anomaly(str(name), "leakage", "error",
                            f"alone predicts {label!r} with balanced accuracy {row['balanced_accuracy']:.4f} out of fold")
                )
        summary = imbalance_summary(labels.dropna())
        anomalies.append(
            Anomaly(str(label), "class_imbalance", "warning" if summary.imbalance_ratio > 10 else "info",
                    f"imbalance ratio {summary.imbalance_ratio:.3g}; counts {summary.counts}")
        )
        if pred_probs is not None:
            ranked = find_label_issues(labels.to_numpy(), pred_probs, filter_by=filter_by,
                                       return_indices_ranked_by="self_confidence", n_threads=n_threads)
            if len(ranked):
                anomalies.append(
                    Anomaly(str(label), "label_issues", "warning",
                            f"{len(ranked)} labels look wrong (confident learning, {filter_by}); rows by self-confidence",
                            rows=tuple(sorted(int(r) for r in ranked[:max_examples])), count=len(ranked))
                )
    elif pred_probs is not None:
        raise ValueError("pred_probs needs label= (the column of given labels)")
    if test is not None:
        contamination = find_contamination(df, _check_frame(test, "test"), n_threads=n_threads)
        if len(contamination.test_rows):
            anomalies.append(
                Anomaly(None, "contamination", "error",
                        f"{len(contamination.test_rows)} test rows ({contamination.fraction:.1%}) also occur in the training set (rows are test positions)",
                        rows=_examples(contamination.test_rows, max_examples), count=len(contamination.test_rows))
            )
    return ValidationReport(anomalies)
