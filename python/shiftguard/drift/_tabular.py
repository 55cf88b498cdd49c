"""TabularDrift: per-feature drift detection on mixed numeric and categorical columns."""

from __future__ import annotations

import html
import json
import math
import struct
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from .. import _core
from .._validation import check_n_threads, check_option, check_p_val

__all__ = ["TabularDrift", "TabularDriftResult"]

NUMERIC_TESTS = (
    "ks",
    "cvm",
    "anderson_darling",
    "mann_whitney",
    "welch_t",
    "energy",
    "wasserstein",
    "psi",
    "jensen_shannon",
    "kl",
    "hellinger",
)
CATEGORICAL_TESTS = ("chi2", "g_test", "psi", "jensen_shannon", "linf")
_MAGIC = b"SGTABPY1"


@dataclass(frozen=True, eq=False)
class TabularDriftResult:
    """Verdict of :meth:`TabularDrift.predict` with the evidence of every feature.

    Arrays have one entry per feature, in the order of ``feature_names``.
    """

    is_drift: bool
    """True when at least one feature drifted."""
    feature_names: tuple[str, ...]
    tests: tuple[str, ...]
    """Test or distance score of each feature."""
    statistics: np.ndarray
    """Test statistic or distance score (NaN: the feature could not be tested)."""
    p_values: np.ndarray
    """Raw p-value (bootstrap p-value for calibrated scores; NaN for user-thresholded scores)."""
    corrected_p_values: np.ndarray
    """p-value adjusted by the correction (NaN when the feature is not in the family)."""
    thresholds: np.ndarray
    """Threshold of each feature: on the raw p-value (tests) or on the score (distances)."""
    effect_sizes: np.ndarray
    """Effect size of each feature (see ``effect_size_names``)."""
    effect_size_names: tuple[str, ...]
    min_effect_sizes: np.ndarray
    significant: np.ndarray
    """Rejected by the correction, or score above the user's threshold."""
    test_drift: np.ndarray
    """Significant and the effect size is at least ``min_effect_sizes``."""
    missing_drift: np.ndarray
    """The change in missing fraction is significant (nan_policy="omit" only)."""
    feature_is_drift: np.ndarray
    """``test_drift`` or ``missing_drift``."""
    missing_fraction_reference: np.ndarray
    missing_fraction_current: np.ndarray
    missing_p_values: np.ndarray
    """p-value of the 2 x 2 chi-square test of the missing fraction (NaN under "raise")."""
    n_reference: np.ndarray
    n_current: np.ndarray
    unseen_categories: tuple[tuple[Any, ...], ...]
    """Per feature, the categories of the batch that the reference never had (by name)."""
    reasons: tuple[str, ...]
    """Per feature, why it is or is not drifted."""
    correction: str
    p_val: float
    threshold: float
    """The correction's threshold on the raw p-values of the family."""
    family_size: int = field(repr=False, default=0)

    @property
    def drifted_features(self) -> tuple[str, ...]:
        return tuple(n for n, d in zip(self.feature_names, self.feature_is_drift) if d)

    def verdict(self) -> str:
        n = len(self.feature_names)
        k = int(np.count_nonzero(self.feature_is_drift))
        return f"DRIFT in {k} of {n} features" if self.is_drift else f"no drift in {n} features"

    def to_dict(self) -> dict[str, Any]:
        """alibi-detect's layout ``{'meta': {...}, 'data': {'is_drift', 'p_val', 'threshold',
        'distance'}}``, as its ``TabularDrift.predict`` returns it (``distance`` holds the
        statistic or score of each feature, ``threshold`` the correction's threshold)."""
        from .. import __version__

        return {
            "meta": {
                "name": "TabularDrift",
                "online": False,
                "data_type": "tabular",
                "version": __version__,
                "detector_type": "drift",
                "backend": "shiftguard",
            },
            "data": {
                "is_drift": int(self.is_drift),
                "p_val": self.p_values,
                "threshold": self.threshold,
                "distance": self.statistics,
            },
        }

    def to_frame(self):
        """Per-feature table as a pandas DataFrame indexed by feature name."""
        import pandas as pd

        return pd.DataFrame(
            {
                "test": list(self.tests),
                "statistic": self.statistics,
                "p_value": self.p_values,
                "corrected_p_value": self.corrected_p_values,
                "threshold": self.thresholds,
                "effect_size": self.effect_sizes,
                "effect_size_name": list(self.effect_size_names),
                "drifted": self.feature_is_drift,
                "missing_ref": self.missing_fraction_reference,
                "missing_cur": self.missing_fraction_current,
                "missing_p_value": self.missing_p_values,
                "unseen_categories": [list(u) for u in self.unseen_categories],
                "reason": list(self.reasons),
            },
            index=pd.Index(list(self.feature_names), name="feature"),
        )

    def table(self) -> str:
        """Plain-text per-feature table with the verdict."""
        width = max(8, max(len(n) for n in self.feature_names))
        lines = [
            f"{'feature':<{width}}  {'test':<16} {'statistic':>10} {'p-value':>10} "
            f"{'effect':>8}  drifted"
        ]
        for k, name in enumerate(self.feature_names):
            lines.append(
                f"{name:<{width}}  {self.tests[k]:<16} {self.statistics[k]:>10.4g} "
                f"{self.p_values[k]:>10.3g} {self.effect_sizes[k]:>8.3g}  "
                f"{'yes' if self.feature_is_drift[k] else 'no'}"
            )
        lines.append(
            f"verdict: {self.verdict()} (correction {self.correction}, p_val {self.p_val:g})"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        colour = "#b00020" if self.is_drift else "#1b5e20"
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(self.tests[k])}</td>"
            f"<td>{self.statistics[k]:.4g}</td><td>{self.p_values[k]:.3g}</td>"
            f"<td>{self.effect_sizes[k]:.3g}</td>"
            f"<td>{'yes' if self.feature_is_drift[k] else 'no'}</td>"
            f"<td>{html.escape(self.reasons[k])}</td></tr>"
            for k, name in enumerate(self.feature_names)
        )
        return (
            f"<div><strong style='color:{colour}'>{html.escape(self.verdict())}</strong> "
            f"(correction {html.escape(self.correction)}, p_val {self.p_val:g})<table><thead>"
            "<tr><th>feature</th><th>test</th><th>statistic</th><th>p-value</th>"
            "<th>effect</th><th>drifted</th><th>reason</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


def _is_categorical_dtype(dtype: Any) -> bool:
    import pandas as pd

    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
    )


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _encode_category(value: Any) -> list[Any]:
    value = _plain(value)
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", value]
    return ["s", str(value)]


def _decode_category(entry: list[Any]) -> Any:
    kind, value = entry
    return {"b": bool, "i": int, "f": float, "s": str}[kind](value)


class TabularDrift:
    """Per-feature drift detector for mixed numeric and categorical columns.

    The tabular detector of alibi-detect (``TabularDrift``: KS for numeric and chi-square
    for categorical columns, with a multiple-testing correction), extended: any column can
    use another test or a distance score, missing values are a drift signal of their own,
    a minimum effect size keeps large samples from calling every tiny change drift, and
    distance-score thresholds can be calibrated by bootstrap. The reference is summarised
    once (sorted columns, bins, category tables) and can be saved without the raw data.

    Parameters
    ----------
    x_ref : pandas.DataFrame or array_like, shape (n_samples, n_features)
        Reference data. In a DataFrame, columns of dtype category, object, string or bool
        are categorical (their values are encoded with the reference's category list, kept
        with the detector); the others numeric. A numeric matrix holds integer codes in its
        categorical columns (NaN or a negative code is missing).
    p_val : float, default 0.05
        Significance level of the family of tests.
    categories_per_feature : dict or sequence, optional
        Further categorical columns: alibi-detect's dict ``{column: None or number of
        categories}`` or a list of columns (names or positions).
    tests : dict, optional
        Test per column (name or position): numeric ``ks`` (default), ``cvm``,
        ``anderson_darling``, ``mann_whitney``, ``welch_t``, ``energy``, ``wasserstein``,
        ``psi``, ``jensen_shannon``, ``kl``, ``hellinger``; categorical ``chi2`` (default),
        ``g_test``, ``psi``, ``jensen_shannon``, ``linf``.
    correction : {"bonferroni", "holm", "sidak", "fdr", "by", "none"}, default "bonferroni"
    nan_policy : {"raise", "omit"}, default "raise"
        "omit" drops missing values from the tests and tests the change of the missing
        fraction per feature (2 x 2 chi-square without Yates' correction), in the same family.
    min_effect_size : float or dict, optional
        A significant feature whose effect size is below it is not called drift. A float
        applies to every column; a dict gives per-column values (key ``None``: the default).
    thresholds : dict, optional
        Threshold per distance-score column (drift when the score exceeds it).
    calibrate : bool, default False
        Bootstrap the thresholds of distance-score columns without one (needed for them).
    n_bootstraps : int, default 200
    n_bins, epsilon : int, float
        Quantile bins of the numeric binned scores (default 10) and the proportion floor of
        PSI/KL (default 1e-4).
    seed : int, optional
        Seed of the bootstrap (None: 0).
    n_threads : int, optional
        Threads (one task per feature); None uses every core. Results do not depend on it.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.drift import TabularDrift
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"age": rng.normal(40, 10, 2000),
    ...                     "plan": rng.choice(["basic", "pro"], 2000, p=[0.7, 0.3])})
    >>> cur = pd.DataFrame({"age": rng.normal(45, 10, 1000),
    ...                     "plan": rng.choice(["basic", "pro", "team"], 1000, p=[0.6, 0.3, 0.1])})
    >>> result = TabularDrift(ref, p_val=0.05).predict(cur)
    >>> result.is_drift, result.drifted_features
    (True, ('age', 'plan'))
    >>> result.unseen_categories[1]
    ('team',)
    """

    def __init__(
        self,
        x_ref: Any,
        p_val: float = 0.05,
        categories_per_feature: Mapping[Any, Any] | Sequence[Any] | None = None,
        tests: Mapping[Any, str] | None = None,
        correction: str = "bonferroni",
        nan_policy: str = "raise",
        min_effect_size: float | Mapping[Any, float] | None = None,
        thresholds: Mapping[Any, float] | None = None,
        calibrate: bool = False,
        n_bootstraps: int = 200,
        seed: int | None = None,
        n_threads: int | None = None,
        *,
        n_bins: int = 10,
        epsilon: float = 1e-4,
    ) -> None:
        self.p_val = check_p_val(p_val)
        self.correction = check_option("correction", correction)
        self.nan_policy = check_option("nan_policy", nan_policy)
        threads = check_n_threads(n_threads)
        if not isinstance(calibrate, (bool, np.bool_)):
            raise TypeError(f"calibrate must be a bool, got {type(calibrate).__name__}")
        for name, value in (("n_bootstraps", n_bootstraps), ("n_bins", n_bins)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if n_bootstraps < 1:
            raise ValueError(f"n_bootstraps must be >= 1, got {n_bootstraps}")
        if seed is None:
            seed = 0
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative int or None, got {seed!r}")
        self._from_frame = _is_frame(x_ref)
        if self._from_frame:
            names = [str(c) for c in x_ref.columns]
        else:
            array = np.asarray(x_ref)
            if array.ndim != 2:
                raise ValueError(f"x_ref must be 2-D (samples x features), got {array.ndim}-D")
            names = [f"f{k}" for k in range(array.shape[1])]
        self.feature_names = tuple(names)
        d = len(names)
        categorical = set()
        if categories_per_feature is not None:
            keys = (
                categories_per_feature.keys()
                if isinstance(categories_per_feature, Mapping)
                else categories_per_feature
            )
            categorical = {self._column(key, "categories_per_feature") for key in keys}
        self._categories: list[list[Any] | None] = [None] * d
        if self._from_frame:
            self._columns = list(x_ref.columns)
            for k, column in enumerate(self._columns):
                if _is_categorical_dtype(x_ref[column].dtype):
                    categorical.add(k)
                    self._categories[k] = _reference_categories(x_ref[column])
            self.dtype = np.dtype(np.float64)
        else:
            self.dtype = (
                np.dtype(np.float32) if np.asarray(x_ref).dtype == np.float32 else np.dtype(np.float64)
            )
        self.categorical_columns = tuple(sorted(categorical))
        core_tests = {}
        for key, test in (tests or {}).items():
            column = self._column(key, "tests")
            allowed = CATEGORICAL_TESTS if column in categorical else NUMERIC_TESTS
            if test not in allowed:
                kind = "categorical" if column in categorical else "numeric"
                raise ValueError(
                    f"tests[{key!r}]: {test!r} is not a test for the {kind} column "
                    f"{names[column]!r}; choose one of {', '.join(allowed)}"
                )
            core_tests[column] = test
        global_effect = 0.0
        per_column_effect = {}
        if isinstance(min_effect_size, Mapping):
            for key, value in min_effect_size.items():
                if key is None:
                    global_effect = _non_negative("min_effect_size", value)
                else:
                    per_column_effect[self._column(key, "min_effect_size")] = _non_negative(
                        f"min_effect_size[{key!r}]", value
                    )
        elif min_effect_size is not None:
            global_effect = _non_negative("min_effect_size", min_effect_size)
        core_thresholds = {
            self._column(key, "thresholds"): _real(f"thresholds[{key!r}]", value)
            for key, value in (thresholds or {}).items()
        }
        self.calibrate = bool(calibrate)
        self.n_bootstraps = int(n_bootstraps)
        self.seed = int(seed)
        self.n_threads = n_threads
        matrix = self._encode(x_ref, "x_ref")[0]
        core_class = (
            _core.TabularDetectorFloat32 if self.dtype == np.float32 else _core.TabularDetectorFloat64
        )
        self._detector = core_class(
            matrix,
            list(self.categorical_columns),
            core_tests,
            self.p_val,
            self.correction,
            self.nan_policy,
            int(n_bins),
            float(epsilon),
            global_effect,
            per_column_effect,
            core_thresholds,
            self.calibrate,
            self.n_bootstraps,
            threads,
            self.seed,
        )

    # ---------------------------------------------------------------- helpers
    def _column(self, key: Any, argument: str) -> int:
        names = self.feature_names
        if isinstance(key, str) and key in names:
            return names.index(key)
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if 0 <= key < len(names):
                return int(key)
            raise ValueError(
                f"{argument}: column {key} out of range for {len(names)} features"
            )
        if self._from_frame and str(key) in names:
            return names.index(str(key))
        raise ValueError(f"{argument}: no column named {key!r}; columns are {list(names)}")

    def _encode(self, x: Any, name: str) -> tuple[np.ndarray, dict[int, list[Any]]]:
        """The float matrix the core sees and, per categorical column, the labels of the
        codes given to categories the reference never had."""
        unseen: dict[int, list[Any]] = {}
        if self._from_frame:
            if not _is_frame(x):
                raise TypeError(
                    f"{name} must be a pandas DataFrame like the reference, got {type(x).__name__}"
                )
            present = [str(c) for c in x.columns]
            missing = [n for n in self.feature_names if n not in present]
            if missing:
                raise ValueError(f"{name} lacks column(s) {missing} that the reference had")
            out = np.empty((len(x), len(self.feature_names)), dtype=np.float64)
            for k, feature in enumerate(self.feature_names):
                column = x.iloc[:, present.index(feature)]
                categories = self._categories[k]
                if categories is not None:
                    out[:, k], unseen[k] = _codes_of(column, categories)
                else:
                    try:
                        out[:, k] = column.to_numpy(dtype=np.float64, na_value=np.nan)
                    except (TypeError, ValueError) as error:
                        raise TypeError(
                            f"{name} column {feature!r} must be numeric like the reference "
                            f"({error})"
                        ) from error
            return out, unseen
        array = np.asarray(x)
        if array.dtype.kind not in "fiub":
            raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}")
        if array.ndim != 2:
            raise ValueError(f"{name} must be 2-D (samples x features), got {array.ndim}-D")
        if array.dtype != self.dtype:
            array = array.astype(self.dtype)
        return array, unseen

    # ---------------------------------------------------------------- API
    @property
    def n_features(self) -> int:
        return int(self._detector.n_features)

    @property
    def n_reference(self) -> int:
        return int(self._detector.n_reference)

    @property
    def tests(self) -> tuple[str, ...]:
        """The test of each feature."""
        return tuple(self._detector.tests)

    def predict(self, x: Any) -> TabularDriftResult:
        """Test the batch ``x`` (same columns as the reference) feature by feature."""
        matrix, unseen_labels = self._encode(x, "x")
        if matrix.shape[1] != self.n_features:
            raise ValueError(
                f"x has {matrix.shape[1]} columns but the detector was fitted on "
                f"{self.n_features} features"
            )
        raw = self._detector.predict(matrix)
        unseen = []
        for k, codes in enumerate(raw["unseen_categories"]):
            categories = self._categories[k]
            if categories is None:
                unseen.append(tuple(int(c) for c in codes))
            else:
                labels = unseen_labels.get(k, [])
                unseen.append(tuple(labels[int(c) - len(categories)] for c in codes))
        return TabularDriftResult(
            is_drift=bool(raw["is_drift"]),
            feature_names=self.feature_names,
            tests=tuple(raw["tests"]),
            statistics=raw["statistics"],
            p_values=raw["p_values"],
            corrected_p_values=raw["corrected_p_values"],
            thresholds=raw["thresholds"],
            effect_sizes=raw["effect_sizes"],
            effect_size_names=tuple(raw["effect_size_names"]),
            min_effect_sizes=raw["min_effect_sizes"],
            significant=raw["significant"],
            test_drift=raw["test_drift"],
            missing_drift=raw["missing_drift"],
            feature_is_drift=raw["feature_drift"],
            missing_fraction_reference=raw["missing_fraction_reference"],
            missing_fraction_current=raw["missing_fraction_current"],
            missing_p_values=raw["missing_p_values"],
            n_reference=raw["n_reference"],
            n_current=raw["n_current"],
            unseen_categories=tuple(unseen),
            reasons=tuple(raw["reasons"]),
            correction=str(raw["correction"]),
            p_val=float(raw["p_val"]),
            threshold=float(raw["family_threshold"]),
            family_size=int(raw["family_size"]),
        )

    def save(self, path: Any = None) -> bytes:
        """The fitted detector as bytes (also written to ``path`` when given): the core's
        container (reference summaries, options) plus the feature names and category lists.
        Category values are kept as bool, int, float or str (others by their str())."""
        meta = {
            "feature_names": list(self.feature_names),
            "from_frame": self._from_frame,
            "dtype": self.dtype.name,
            "categories": [
                None if c is None else [_encode_category(v) for v in c] for c in self._categories
            ],
            "categorical_columns": list(self.categorical_columns),
            "p_val": self.p_val,
            "correction": self.correction,
            "nan_policy": self.nan_policy,
            "calibrate": self.calibrate,
            "n_bootstraps": self.n_bootstraps,
            "seed": self.seed,
            "n_threads": self.n_threads,
        }
        header = json.dumps(meta).encode()
        data = _MAGIC + struct.pack("<Q", len(header)) + header + self._detector.save()
        if path is not None:
            with open(path, "wb") as handle:
                handle.write(data)
        return data

    @classmethod
    def load(cls, data: Any) -> TabularDrift:
        """Rebuild a detector from :meth:`save`'s bytes or a file path. Malformed data raises
        ``shiftguard.FormatError`` (a ``ValueError``)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            with open(data, "rb") as handle:
                data = handle.read()
        data = bytes(data)
        if len(data) < 16 or data[:8] != _MAGIC:
            raise _core.FormatError("cannot load TabularDrift: not a saved TabularDrift")
        (length,) = struct.unpack("<Q", data[8:16])
        if length > len(data) - 16:
            raise _core.FormatError("cannot load TabularDrift: data is truncated")
        try:
            meta = json.loads(data[16 : 16 + length].decode())
            dtype = np.dtype(meta["dtype"])
        except (ValueError, KeyError, TypeError) as error:
            raise _core.FormatError(f"cannot load TabularDrift: bad header ({error})") from error
        core_class = (
            _core.TabularDetectorFloat32 if dtype == np.float32 else _core.TabularDetectorFloat64
        )
        detector = cls.__new__(cls)
        detector._detector = core_class.load(data[16 + length :])
        try:
            detector.feature_names = tuple(meta["feature_names"])
            detector._from_frame = bool(meta["from_frame"])
            detector._columns = list(detector.feature_names)
            detector.dtype = dtype
            detector._categories = [
                None if c is None else [_decode_category(v) for v in c]
                for c in meta["categories"]
            ]
            detector.categorical_columns = tuple(meta["categorical_columns"])
            for key in ("p_val", "correction", "nan_policy", "calibrate", "n_bootstraps",
                        "seed", "n_threads"):
                setattr(detector, key, meta[key])
        except (KeyError, TypeError, ValueError) as error:
            raise _core.FormatError(f"cannot load TabularDrift: bad header ({error})") from error
        if len(detector.feature_names) != detector.n_features:
            raise _core.FormatError("cannot load TabularDrift: header and data disagree")
        return detector

    def __getstate__(self) -> dict[str, bytes]:
        return {"state": self.save()}

    def __setstate__(self, state: dict[str, bytes]) -> None:
        self.__dict__.update(type(self).load(state["state"]).__dict__)

    def __repr__(self) -> str:
        return (
            f"TabularDrift(n_reference={self.n_reference}, n_features={self.n_features}, "
            f"categorical={len(self.categorical_columns)}, p_val={self.p_val}, "
            f"correction={self.correction!r}, nan_policy={self.nan_policy!r})"
        )


def _is_frame(x: Any) -> bool:
    return hasattr(x, "columns") and hasattr(x, "iloc") and hasattr(x, "dtypes")


def _non_negative(name: str, value: Any) -> float:
    number = _real(name, value)
    if number < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return number


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(float(value)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def _reference_categories(column: Any) -> list[Any]:
    """Distinct non-missing values of a reference column, in order of first appearance."""
    import pandas as pd

    _, uniques = pd.factorize(column, use_na_sentinel=True)
    return [_plain(v) for v in list(uniques)]


def _codes_of(column: Any, categories: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes of a column with the reference's category list; values not in it get codes
    len(categories), len(categories) + 1, ... (their labels are returned); missing -> NaN."""
    import pandas as pd

    codes_here, uniques = pd.factorize(column, use_na_sentinel=True)
    index = {}
    for k, value in enumerate(categories):
        index.setdefault(value, k)
    mapping = np.empty(len(uniques), dtype=np.float64)
    new_labels: list[Any] = []
    for k, value in enumerate(uniques):
        value = _plain(value)
        code = index.get(value)
        if code is None and not isinstance(value, str):
            code = index.get(str(value))
        if code is None:
            code = len(categories) + len(new_labels)
            new_labels.append(value)
        mapping[k] = code
    out = np.full(len(codes_here), np.nan)
    present = codes_here >= 0
    out[present] = mapping[codes_here[present]]
    return out, new_labels
