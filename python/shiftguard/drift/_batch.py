"""Drift detection: two-sample tests and detectors fitted on reference data.

A detector is given its reference data at construction and answers ``predict(x)`` with a
result object carrying the verdict and its evidence (alibi-detect's shape); the result's
``to_dict()`` returns alibi-detect's ``{'meta': ..., 'data': ...}`` layout.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .. import _core
from .._validation import (
    as_float_matrix,
    as_float_vector,
    check_n_threads,
    check_option,
    check_p_val,
    feature_names_for,
)
from ._result_base import TestResultMixin

__all__ = ["KSDrift", "KSDriftResult", "KSResult", "ks_2samp"]


@dataclass(frozen=True)
class KSResult(TestResultMixin):
    """Result of :func:`ks_2samp` (the fields of ``scipy.stats.ks_2samp``'s result).

    Unpacks as ``statistic, p_value = ks_2samp(a, b)``.
    """

    statistic: float
    p_value: float
    statistic_location: float
    statistic_sign: int
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "p_value": self.p_value,
            "statistic_location": self.statistic_location,
            "statistic_sign": self.statistic_sign,
            "method": self.method,
        }


def ks_2samp(
    ref: Any,
    cur: Any,
    alternative: str = "two-sided",
    method: str = "auto",
    nan_policy: str = "raise",
) -> KSResult:
    """Two-sample Kolmogorov-Smirnov test.

    Same statistic and p-value as ``scipy.stats.ks_2samp(ref, cur, alternative, method)``:
    the exact null distribution when both samples have at most 10,000 values
    (``method="auto"``), the asymptotic one otherwise.

    Parameters
    ----------
    ref, cur : array_like, 1-D
        The two samples (float32, float64, int or bool).
    alternative : {"two-sided", "less", "greater"}
        With F the CDF of ``ref`` and G that of ``cur``: F != G, F < G, or F > G somewhere.
    method : {"auto", "exact", "asymp"}
        How the p-value is computed.
    nan_policy : {"raise", "omit"}
        Non-finite values (NaN, +-inf) raise ``ValueError`` or are dropped.

    Returns
    -------
    KSResult

    Examples
    --------
    >>> import numpy as np, shiftguard
    >>> rng = np.random.default_rng(0)
    >>> result = shiftguard.ks_2samp(rng.normal(size=300), rng.normal(0.5, size=200))
    >>> bool(result.p_value < 0.05)
    True
    """
    alternative = check_option("alternative", alternative)
    method = check_option("method", method)
    nan_policy = check_option("nan_policy", nan_policy)
    ref_array = as_float_vector(ref, "ref")
    cur_array = as_float_vector(cur, "cur")
    if ref_array.dtype != cur_array.dtype:
        ref_array = ref_array.astype(np.float64)
        cur_array = cur_array.astype(np.float64)
    statistic, p_value, location, sign, used = _core.ks_2samp(
        ref_array, cur_array, alternative, method, nan_policy
    )
    return KSResult(float(statistic), float(p_value), float(location), int(sign), str(used))


@dataclass(frozen=True, eq=False)
class KSDriftResult:
    """Verdict of :meth:`KSDrift.predict` with its per-feature evidence."""

    is_drift: bool
    """True when at least one feature drifted after the correction."""
    p_values: np.ndarray
    """Raw p-value per feature."""
    statistics: np.ndarray
    """KS statistic per feature."""
    corrected_p_values: np.ndarray
    """p-values adjusted by the correction (Bonferroni: min(1, d p); fdr: Benjamini-Hochberg)."""
    feature_is_drift: np.ndarray
    """Per feature: raw p-value below ``threshold``."""
    threshold: float
    """Cut-off applied to the raw p-values."""
    p_val: float
    """Significance level the detector was built with."""
    correction: str
    """"none", "bonferroni" or "fdr"."""
    feature_names: tuple[str, ...]
    n_reference: np.ndarray = field(repr=False)
    """Finite reference values used per feature."""
    n_current: np.ndarray = field(repr=False)
    """Finite current values used per feature."""
    drift_type: str = "batch"
    explanations: tuple[str, ...] = field(default=(), repr=False)
    """Per feature, why it was or was not declared drifted (batch drift type only)."""

    def to_dict(self) -> dict[str, Any]:
        """alibi-detect's layout: ``{'meta': {...}, 'data': {'is_drift', 'p_val',
        'threshold', 'distance'}}``; ``is_drift`` is an int (batch) or an int array
        (``drift_type="feature"``), as alibi-detect returns it."""
        from .. import __version__

        is_drift: Any
        if self.drift_type == "feature":
            is_drift = self.feature_is_drift.astype(int)
        else:
            is_drift = int(self.is_drift)
        return {
            "meta": {
                "name": "KSDrift",
                "online": False,
                "data_type": None,
                "version": __version__,
                "detector_type": "drift",
                "backend": "shiftguard",
            },
            "data": {
                "is_drift": is_drift,
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
                "statistic": self.statistics,
                "p_value": self.p_values,
                "corrected_p_value": self.corrected_p_values,
                "drifted": self.feature_is_drift,
            },
            index=pd.Index(list(self.feature_names), name="feature"),
        )

    @property
    def drifted_features(self) -> tuple[str, ...]:
        return tuple(n for n, d in zip(self.feature_names, self.feature_is_drift) if d)

    def verdict(self) -> str:
        n = len(self.feature_names)
        k = int(np.count_nonzero(self.feature_is_drift))
        if self.is_drift:
            return f"DRIFT in {k} of {n} features"
        return f"no drift in {n} features"

    def table(self) -> str:
        """Plain-text per-feature table with the verdict, as the CLI prints it."""
        width = max(8, max(len(n) for n in self.feature_names))
        lines = [f"{'feature':<{width}}  {'statistic':>9}  {'p-value':>10}  drifted"]
        for name, stat, p, drifted in zip(
            self.feature_names, self.statistics, self.p_values, self.feature_is_drift
        ):
            lines.append(
                f"{name:<{width}}  {stat:>9.4f}  {p:>10.3g}  {'yes' if drifted else 'no'}"
            )
        lines.append(
            f"verdict: {self.verdict()} (correction {self.correction}, p_val {self.p_val:g}, "
            f"threshold {self.threshold:.3g} on raw p-values)"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        colour = "#b00020" if self.is_drift else "#1b5e20"
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{stat:.4f}</td><td>{p:.3g}</td>"
            f"<td>{cp:.3g}</td><td>{'yes' if d else 'no'}</td></tr>"
            for name, stat, p, cp, d in zip(
                self.feature_names,
                self.statistics,
                self.p_values,
                self.corrected_p_values,
                self.feature_is_drift,
            )
        )
        return (
            f"<div><strong style='color:{colour}'>{html.escape(self.verdict())}</strong> "
            f"(KS test, correction {html.escape(self.correction)}, p_val {self.p_val:g}, "
            f"threshold {self.threshold:.3g})<table><thead><tr><th>feature</th>"
            "<th>statistic</th><th>p-value</th><th>corrected</th><th>drifted</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


class KSDrift:
    """Feature-wise Kolmogorov-Smirnov drift detector (alibi-detect's ``KSDrift``).

    Fitted once on reference data: each reference column is sorted once and kept. Each
    call to :meth:`predict` tests every feature of a new batch in parallel (oneTBB) with
    the two-sample KS test and combines the p-values with a multiple-testing correction.
    The answer is the same, bit for bit, whatever the number of threads.

    Parameters
    ----------
    x_ref : array_like or pandas.DataFrame, shape (n_samples, n_features)
        Reference data, float32 or float64 (kept without copying when possible; ints and
        bools are converted to float64). A DataFrame's column names become feature names.
    p_val : float, default 0.05
        Significance level.
    correction : {"bonferroni", "fdr", "none", "sidak", "holm", "by"}, default "bonferroni"
        "fdr" is Benjamini-Hochberg (alibi-detect's name); "bh" is accepted; "by" is
        Benjamini-Yekutieli (see :func:`shiftguard.drift.correct_p_values`).
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
    method : {"auto", "exact", "asymp"}, default "auto"
        p-value computation, as ``scipy.stats.ks_2samp``.
    nan_policy : {"raise", "omit"}, default "raise"
        Non-finite values raise ``ValueError`` (naming row and column) or are dropped.
    n_threads : int or None, default None
        Threads for the per-feature tests; None uses every core.
    feature_names : sequence of str, optional
        Overrides the names taken from a DataFrame (default "f0", "f1", ...).
    preprocess_fn : callable, optional
        Applied to ``x_ref`` at construction and to each batch before testing (alibi-detect's
        name), e.g. a fitted :class:`shiftguard.drift.PCA`'s ``transform`` or a model's
        ``predict_proba`` (see :class:`shiftguard.drift.BBSDrift`).

    Examples
    --------
    >>> import numpy as np, shiftguard
    >>> rng = np.random.default_rng(0)
    >>> detector = shiftguard.KSDrift(rng.normal(size=(1000, 3)), p_val=0.05)
    >>> x = rng.normal(size=(500, 3))
    >>> x[:, 1] += 0.5
    >>> result = detector.predict(x)
    >>> result.is_drift, result.drifted_features
    (True, ('f1',))
    """

    def __init__(
        self,
        x_ref: Any,
        p_val: float = 0.05,
        correction: str = "bonferroni",
        alternative: str = "two-sided",
        *,
        method: str = "auto",
        nan_policy: str = "raise",
        n_threads: int | None = None,
        feature_names: Sequence[str] | None = None,
        preprocess_fn: Callable[[Any], Any] | None = None,
    ) -> None:
        if preprocess_fn is not None and not callable(preprocess_fn):
            raise TypeError(f"preprocess_fn must be callable, got {type(preprocess_fn).__name__}")
        self.preprocess_fn = preprocess_fn
        self.p_val = check_p_val(p_val)
        self.correction = check_option("correction", correction)
        self.alternative = check_option("alternative", alternative)
        self.method = check_option("method", method)
        self.nan_policy = check_option("nan_policy", nan_policy)
        self.n_threads = n_threads
        threads = check_n_threads(n_threads)
        if preprocess_fn is not None:
            x_ref = preprocess_fn(x_ref)
        array, frame_names = as_float_matrix(x_ref, "x_ref")
        self.feature_names = feature_names_for(array.shape[1], feature_names, frame_names)
        self._names_from_frame = frame_names is not None and feature_names is None
        self.dtype = array.dtype
        core_class = (
            _core.KSDetectorFloat32 if array.dtype == np.float32 else _core.KSDetectorFloat64
        )
        args = (self.correction, self.alternative, self.method, self.nan_policy)
        self._detector = core_class(array, self.p_val, *args, threads)

    @property
    def n_features(self) -> int:
        return int(self._detector.n_features)

    @property
    def n_reference(self) -> int:
        return int(self._detector.n_reference)

    def predict(
        self,
        x: Any,
        drift_type: str = "batch",
        return_p_val: bool = True,
        return_distance: bool = True,
    ) -> KSDriftResult:
        """Test the batch ``x`` (n_samples, n_features) against the reference.

        ``drift_type="batch"`` (default) gives one corrected verdict; ``"feature"`` judges
        each feature at ``p_val`` without correction (alibi-detect's meaning).
        ``return_p_val`` and ``return_distance`` are accepted for alibi-detect
        compatibility; the result always carries both.
        """
        if drift_type not in ("batch", "feature"):
            raise ValueError(f"drift_type must be 'batch' or 'feature', got {drift_type!r}")
        if self.preprocess_fn is not None:
            x = self.preprocess_fn(x)
        if self._names_from_frame and hasattr(x, "columns") and hasattr(x, "iloc"):
            names = [str(c) for c in x.columns]
            if names != list(self.feature_names):
                missing = [n for n in self.feature_names if n not in names]
                if missing:
                    raise ValueError(
                        f"x lacks column(s) {missing} that the reference had; x has {names}"
                    )
                # Same columns in another order (or extra ones): select by name before
                # converting, so the frame is converted once.
                x = x.iloc[:, [names.index(n) for n in self.feature_names]]
        array, _ = as_float_matrix(x, "x", dtype=self.dtype)
        if array.shape[1] != self.n_features:
            raise ValueError(
                f"x has {array.shape[1]} columns but the detector was fitted on "
                f"{self.n_features} features"
            )
        raw = self._detector.predict(array)
        p_values = raw["p_values"]
        if drift_type == "feature":
            feature_is_drift = p_values < self.p_val
            threshold = self.p_val
            is_drift = bool(feature_is_drift.any())
        else:
            feature_is_drift = raw["feature_drift"]
            threshold = float(raw["threshold"])
            is_drift = bool(raw["is_drift"])
        return KSDriftResult(
            is_drift=is_drift,
            p_values=p_values,
            statistics=raw["statistics"],
            corrected_p_values=p_values if drift_type == "feature" else raw["corrected_p_values"],
            feature_is_drift=feature_is_drift,
            threshold=threshold,
            p_val=self.p_val,
            correction=self.correction if drift_type == "batch" else "none",
            feature_names=self.feature_names,
            n_reference=raw["n_reference"],
            n_current=raw["n_current"],
            drift_type=drift_type,
            explanations=tuple(raw["explanations"]) if drift_type == "batch" else (),
        )

    def __repr__(self) -> str:
        return (
            f"KSDrift(n_reference={self.n_reference}, n_features={self.n_features}, "
            f"p_val={self.p_val}, correction={self.correction!r}, "
            f"alternative={self.alternative!r}, dtype={self.dtype})"
        )
