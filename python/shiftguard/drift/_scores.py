"""Distance scores of numeric features and tests of categorical features.

Numeric (1-D samples of numbers):

* :func:`energy_distance`, :func:`wasserstein_distance`: as ``scipy.stats`` computes them.
* :func:`psi`, :func:`jensen_shannon`, :func:`kl_divergence`, :func:`hellinger`: the binned
  scores practitioners threshold, on bins at the reference's quantiles.

Categorical (integer codes, strings, or pandas Categorical/object Series):

* :func:`chi2_homogeneity` and :func:`g_test`: tests of homogeneity with p-values, as
  ``scipy.stats.chi2_contingency`` on the 2 x k table of counts.
* :func:`categorical_distance`: PSI, Jensen-Shannon or L-infinity distance of the category
  frequencies (``method=...``).

Every function returns a frozen dataclass; categories of the current sample that the
reference never saw are named in ``unseen_categories``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from .._validation import as_float_vector, check_option
from ._result_base import TestResultMixin

__all__ = [
    "CategoricalDistanceResult",
    "CategoricalTestResult",
    "DistanceResult",
    "categorical_distance",
    "chi2_homogeneity",
    "energy_distance",
    "g_test",
    "hellinger",
    "jensen_shannon",
    "kl_divergence",
    "psi",
    "wasserstein_distance",
]


# ----------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, eq=False)
class DistanceResult:
    """A distance score between a reference and a current numeric sample.

    ``float(result)`` is the score. The binned scores (``psi``, ``jensen_shannon``,
    ``kl_divergence``, ``hellinger``) also carry the bins and both histograms; for
    ``energy`` and ``wasserstein`` those fields are None.
    """

    statistic: float
    """The score."""
    method: str
    """"energy", "wasserstein", "psi", "jensen_shannon", "kl_divergence" or "hellinger"."""
    n_reference: int
    """Finite reference values used."""
    n_current: int
    """Finite current values used."""
    bin_edges: np.ndarray | None = field(default=None, repr=False)
    """Interior bin edges (reference quantiles after merging ties); bins are right-closed."""
    reference_counts: np.ndarray | None = field(default=None, repr=False)
    """Reference values per bin."""
    current_counts: np.ndarray | None = field(default=None, repr=False)
    """Current values per bin."""

    def __float__(self) -> float:
        return float(self.statistic)

    @property
    def reference_proportions(self) -> np.ndarray | None:
        """Reference proportion per bin (None for unbinned scores)."""
        if self.reference_counts is None:
            return None
        return self.reference_counts / float(self.n_reference)

    @property
    def current_proportions(self) -> np.ndarray | None:
        """Current proportion per bin (None for unbinned scores)."""
        if self.current_counts is None:
            return None
        return self.current_counts / float(self.n_current)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "statistic": self.statistic,
            "method": self.method,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
        }
        if self.bin_edges is not None:
            out["bin_edges"] = self.bin_edges
            out["reference_counts"] = self.reference_counts
            out["current_counts"] = self.current_counts
        return out

    def _repr_html_(self) -> str:
        head = (
            f"<div><strong>{html.escape(self.method)}</strong> = {self.statistic:.6g} "
            f"(n_reference {self.n_reference}, n_current {self.n_current})"
        )
        if self.bin_edges is None:
            return head + "</div>"
        bounds = [-math.inf, *self.bin_edges.tolist(), math.inf]
        rows = "".join(
            f"<tr><td>({low:.4g}, {high:.4g}]</td><td>{r:.4f}</td><td>{c:.4f}</td></tr>"
            for low, high, r, c in zip(
                bounds[:-1], bounds[1:], self.reference_proportions, self.current_proportions
            )
        )
        return (
            head + "<table><thead><tr><th>bin</th><th>reference</th><th>current</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></div>"
        )


@dataclass(frozen=True, eq=False)
class CategoricalTestResult(TestResultMixin):
    """Result of :func:`chi2_homogeneity` or :func:`g_test`.

    Unpacks as ``statistic, p_value = chi2_homogeneity(ref, cur)``.
    """

    statistic: float
    """Pearson's X^2 (chi2) or the G statistic (g-test)."""
    p_value: float
    """Upper tail of the chi-square distribution with ``dof`` degrees of freedom."""
    dof: int
    """Number of categories seen in either sample, minus 1."""
    method: str
    """"chi2" or "g-test"."""
    yates_correction: bool
    """Whether Yates' continuity correction was applied (only ever with dof 1)."""
    min_expected: float
    """Smallest expected cell count; below about 5 the chi-square approximation is rough."""
    categories: tuple[Any, ...]
    """Categories seen in either sample, in code order."""
    reference_counts: np.ndarray = field(repr=False)
    """Reference count per category."""
    current_counts: np.ndarray = field(repr=False)
    """Current count per category."""
    unseen_categories: tuple[Any, ...]
    """Categories of the current sample that the reference never saw."""
    n_reference: int
    n_current: int
    n_missing_reference: int = 0
    """Missing values dropped from the reference (nan_policy="omit")."""
    n_missing_current: int = 0
    """Missing values dropped from the current sample (nan_policy="omit")."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "p_value": self.p_value,
            "dof": self.dof,
            "method": self.method,
            "yates_correction": self.yates_correction,
            "min_expected": self.min_expected,
            "categories": list(self.categories),
            "reference_counts": self.reference_counts,
            "current_counts": self.current_counts,
            "unseen_categories": list(self.unseen_categories),
            "n_reference": self.n_reference,
            "n_current": self.n_current,
        }

    def to_frame(self):
        """Counts per category as a pandas DataFrame (columns reference, current, unseen)."""
        return _counts_frame(self)

    def _repr_html_(self) -> str:
        head = (
            f"<strong>{html.escape(self.method)}</strong>: statistic {self.statistic:.6g}, "
            f"p-value {self.p_value:.3g}, dof {self.dof}"
        )
        return _counts_html(self, head)


@dataclass(frozen=True, eq=False)
class CategoricalDistanceResult:
    """Result of :func:`categorical_distance`; ``float(result)`` is the distance."""

    statistic: float
    """The distance."""
    method: str
    """"psi", "jensen_shannon" or "linf"."""
    categories: tuple[Any, ...]
    """Categories seen in either sample, in code order."""
    reference_counts: np.ndarray = field(repr=False)
    current_counts: np.ndarray = field(repr=False)
    unseen_categories: tuple[Any, ...]
    """Categories of the current sample that the reference never saw."""
    n_reference: int
    n_current: int
    n_missing_reference: int = 0
    n_missing_current: int = 0

    def __float__(self) -> float:
        return float(self.statistic)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "method": self.method,
            "categories": list(self.categories),
            "reference_counts": self.reference_counts,
            "current_counts": self.current_counts,
            "unseen_categories": list(self.unseen_categories),
            "n_reference": self.n_reference,
            "n_current": self.n_current,
        }

    def to_frame(self):
        """Counts per category as a pandas DataFrame (columns reference, current, unseen)."""
        return _counts_frame(self)

    def _repr_html_(self) -> str:
        head = f"<strong>{html.escape(self.method)}</strong> = {self.statistic:.6g}"
        return _counts_html(self, head)


def _counts_html(result: Any, head: str) -> str:
    unseen = set(result.unseen_categories)
    rows = "".join(
        f"<tr><td>{html.escape(str(c))}</td><td>{r}</td><td>{k}</td>"
        f"<td>{'yes' if c in unseen else ''}</td></tr>"
        for c, r, k in zip(result.categories, result.reference_counts, result.current_counts)
    )
    return (
        f"<div>{head}<table><thead><tr><th>category</th><th>reference</th><th>current</th>"
        f"<th>unseen</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _counts_frame(result: Any):
    import pandas as pd

    unseen = set(result.unseen_categories)
    return pd.DataFrame(
        {
            "reference": result.reference_counts,
            "current": result.current_counts,
            "unseen": [c in unseen for c in result.categories],
        },
        index=pd.Index(list(result.categories), name="category"),
    )


# ----------------------------------------------------------------------------------------
# Numeric


def _float_pair(ref: Any, cur: Any) -> tuple[np.ndarray, np.ndarray]:
    ref_array = as_float_vector(ref, "ref")
    cur_array = as_float_vector(cur, "cur")
    if ref_array.dtype != cur_array.dtype:
        ref_array = ref_array.astype(np.float64)
        cur_array = cur_array.astype(np.float64)
    return ref_array, cur_array


def _n_finite(array: np.ndarray, nan_policy: str) -> int:
    if nan_policy == "raise":
        return int(array.shape[0])
    return int(np.count_nonzero(np.isfinite(array)))


def _check_n_bins(n_bins: Any) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError(f"n_bins must be an int >= 2, got {type(n_bins).__name__}")
    if not 2 <= n_bins <= 1_000_000:
        raise ValueError(f"n_bins must be in [2, 1000000], got {n_bins}")
    return int(n_bins)


def _check_real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    return float(value)


def _check_epsilon(epsilon: Any) -> float:
    epsilon = _check_real("epsilon", epsilon)
    if not 0.0 < epsilon < 1.0:
        raise ValueError(f"epsilon must be in (0, 1), got {epsilon}")
    return epsilon


def _check_base(base: Any) -> float:
    base = _check_real("base", base)
    if not (math.isfinite(base) and base > 0.0 and base != 1.0):
        raise ValueError(f"base must be a finite number > 0 other than 1, got {base}")
    return base


def energy_distance(ref: Any, cur: Any, nan_policy: str = "raise") -> DistanceResult:
    """Energy distance between two 1-D samples.

    Same value as ``scipy.stats.energy_distance(ref, cur)``: ``sqrt(2)`` times the L2
    distance between the two empirical CDFs, computed in one pass over the sorted samples.

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current samples (float32, float64, int or bool).
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    DistanceResult

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import energy_distance
    >>> round(float(energy_distance([0.0, 1.0, 3.0], [5.0, 6.0, 8.0])), 6)
    2.708013
    """
    nan_policy = check_option("nan_policy", nan_policy)
    ref_array, cur_array = _float_pair(ref, cur)
    value = _core.energy_distance(ref_array, cur_array, nan_policy)
    return DistanceResult(
        float(value), "energy", _n_finite(ref_array, nan_policy), _n_finite(cur_array, nan_policy)
    )


def wasserstein_distance(ref: Any, cur: Any, nan_policy: str = "raise") -> DistanceResult:
    """Wasserstein-1 (earth mover's) distance between two 1-D samples.

    Same value as ``scipy.stats.wasserstein_distance(ref, cur)`` (unweighted): the area
    between the two empirical CDFs, in the units of the data.

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current samples.
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    DistanceResult

    Examples
    --------
    >>> from shiftguard.drift import wasserstein_distance
    >>> float(wasserstein_distance([0.0, 1.0, 3.0], [5.0, 6.0, 8.0]))
    5.0
    """
    nan_policy = check_option("nan_policy", nan_policy)
    ref_array, cur_array = _float_pair(ref, cur)
    value = _core.wasserstein_distance(ref_array, cur_array, nan_policy)
    return DistanceResult(
        float(value),
        "wasserstein",
        _n_finite(ref_array, nan_policy),
        _n_finite(cur_array, nan_policy),
    )


def _binned(
    method: str, ref: Any, cur: Any, n_bins: Any, epsilon: Any, base: Any, nan_policy: str
) -> DistanceResult:
    nan_policy = check_option("nan_policy", nan_policy)
    n_bins = _check_n_bins(n_bins)
    epsilon = _check_epsilon(epsilon)
    base = _check_base(base)
    ref_array, cur_array = _float_pair(ref, cur)
    out = _core.binned_scores(ref_array, cur_array, n_bins, epsilon, base, nan_policy)
    return DistanceResult(
        float(out[method]),
        method,
        int(out["n_reference"]),
        int(out["n_current"]),
        bin_edges=out["edges"],
        reference_counts=out["reference_counts"],
        current_counts=out["current_counts"],
    )


_CATEGORICAL_NOTE = """
    Categories are integer codes (non-negative integers are used as they are), strings or
    other hashable values, or pandas Categorical/Series; values other than non-negative
    integers are encoded on the union of both samples. Missing values (NaN, None, negative
    integer codes) raise or are dropped as ``nan_policy`` says. A category seen only in the
    current sample is named in ``unseen_categories`` and enters as a category with
    reference count 0; categories absent from both samples do not exist for the test."""

_BINNING_NOTE = """
    The bins: interior edges at ``numpy.quantile(ref, k / n_bins)``, k = 1 .. n_bins - 1
    (linear interpolation); equal edges (ties in ``ref``) are merged, so fewer bins may
    remain (a constant ``ref`` leaves two). Bins are right-closed, ``(edge[b-1], edge[b]]``,
    with the outer bins unbounded, so every current value falls in a bin."""


def _with_notes(function):
    """Insert the shared notes on binning and categories into a docstring."""
    if function.__doc__:  # None under python -OO
        doc = function.__doc__
        doc = doc.replace("    {binning}\n", _BINNING_NOTE.strip("\n") + "\n")
        doc = doc.replace("    {categorical}\n", _CATEGORICAL_NOTE.strip("\n") + "\n")
        function.__doc__ = doc
    return function


@_with_notes
def psi(
    ref: Any, cur: Any, n_bins: int = 10, epsilon: float = 1e-4, nan_policy: str = "raise"
) -> DistanceResult:
    """Population stability index of a current sample against a reference.

    ``sum((c - r) * ln(c / r))`` over the bins, with ``r``, ``c`` the reference and
    current proportions floored at ``epsilon`` (``max(p, epsilon)``, not renormalised).
    Common reading: below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 major shift.
    {binning}

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current samples.
    n_bins : int
        Number of quantile bins requested (at least 2).
    epsilon : float
        Floor of the proportions, in (0, 1); keeps empty bins finite.
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    DistanceResult
        With ``bin_edges``, ``reference_counts`` and ``current_counts``.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import psi
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=5000)
    >>> bool(psi(ref, rng.normal(size=5000)).statistic < 0.1)
    True
    >>> bool(psi(ref, rng.normal(1.0, size=5000)).statistic > 0.25)
    True
    """
    return _binned("psi", ref, cur, n_bins, epsilon, 2.0, nan_policy)


@_with_notes
def jensen_shannon(
    ref: Any, cur: Any, n_bins: int = 10, base: float = 2.0, nan_policy: str = "raise"
) -> DistanceResult:
    """Jensen-Shannon distance between the binned reference and current samples.

    Equals ``scipy.spatial.distance.jensenshannon(ref_counts, cur_counts, base)`` on the
    two histograms (no smoothing needed: empty bins are fine). With the default base 2 the
    distance lies in [0, 1]; SciPy's default is the natural logarithm (``base=math.e``).
    {binning}

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current samples.
    n_bins : int
        Number of quantile bins requested (at least 2).
    base : float
        Logarithm base (> 0, not 1).
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    DistanceResult

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import jensen_shannon
    >>> rng = np.random.default_rng(1)
    >>> result = jensen_shannon(rng.normal(size=2000), rng.normal(2.0, size=2000))
    >>> bool(0.5 < result.statistic <= 1.0)
    True
    """
    return _binned("jensen_shannon", ref, cur, n_bins, 1e-4, base, nan_policy)


@_with_notes
def kl_divergence(
    ref: Any, cur: Any, n_bins: int = 10, epsilon: float = 1e-4, nan_policy: str = "raise"
) -> DistanceResult:
    """Kullback-Leibler divergence KL(current || reference) of the binned samples, in nats.

    ``sum(c * ln(c / r))`` with the proportions floored at ``epsilon`` as in :func:`psi`
    (so an empty current bin contributes ``epsilon * ln(epsilon / r)``).
    {binning}

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current samples.
    n_bins : int
        Number of quantile bins requested (at least 2).
    epsilon : float
        Floor of the proportions, in (0, 1).
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    DistanceResult

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import kl_divergence
    >>> x = np.arange(100.0)
    >>> float(kl_divergence(x, x))
    0.0
    """
    return _binned("kl_divergence", ref, cur, n_bins, epsilon, 2.0, nan_policy)


@_with_notes
def hellinger(ref: Any, cur: Any, n_bins: int = 10, nan_policy: str = "raise") -> DistanceResult:
    """Hellinger distance between the binned reference and current samples.

    ``sqrt(sum((sqrt(r) - sqrt(c))**2) / 2)`` over the bins, in [0, 1], on the raw
    proportions (no smoothing).
    {binning}

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current samples.
    n_bins : int
        Number of quantile bins requested (at least 2).
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    DistanceResult

    Examples
    --------
    >>> from shiftguard.drift import hellinger
    >>> result = hellinger([1.0, 2.0, 3.0, 4.0], [10.0, 11.0, 12.0, 13.0], n_bins=2)
    >>> result.reference_counts.tolist(), result.current_counts.tolist()
    ([2, 2], [0, 4])
    >>> round(float(result), 4)
    0.5412
    """
    return _binned("hellinger", ref, cur, n_bins, 1e-4, 2.0, nan_policy)


# ----------------------------------------------------------------------------------------
# Categorical


def _as_1d(x: Any, name: str) -> Any:
    """A 1-D NumPy array or a pandas Categorical/Series, unchanged where possible."""
    import pandas as pd

    if isinstance(x, pd.DataFrame):
        raise ValueError(f"{name} must be 1-D (one categorical column), got a DataFrame")
    if isinstance(x, pd.Series):
        if isinstance(x.dtype, pd.CategoricalDtype):
            return x.array  # pandas.Categorical
        return x.to_numpy()
    if isinstance(x, pd.Categorical):
        return x
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a 1-D array of categories, got {type(x).__name__}")
    array = np.asarray(x)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {array.ndim}-D array of shape {array.shape}")
    if array.dtype.kind == "c":
        raise TypeError(f"{name} must hold categories, got complex dtype {array.dtype}")
    return array


def _encode(ref: Any, cur: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    """Integer codes for both samples on the union of their categories, and the labels.

    Non-negative integer input is used as the codes themselves (labels are the integers);
    everything else is factorised on the union (missing values become -1)."""
    import pandas as pd

    ref_values = _as_1d(ref, "ref")
    cur_values = _as_1d(cur, "cur")
    if isinstance(ref_values, np.ndarray) and isinstance(cur_values, np.ndarray):
        kinds = {ref_values.dtype.kind, cur_values.dtype.kind}
        if kinds <= {"i", "u"}:
            ref_codes = ref_values.astype(np.int64, copy=False)
            cur_codes = cur_values.astype(np.int64, copy=False)
            if (ref_codes.size == 0 or ref_codes.min() >= 0) and (
                cur_codes.size == 0 or cur_codes.min() >= 0
            ):
                return ref_codes, cur_codes, None
    if (
        isinstance(ref_values, pd.Categorical)
        and isinstance(cur_values, pd.Categorical)
        and ref_values.categories.equals(cur_values.categories)
    ):
        labels = np.asarray(ref_values.categories, dtype=object)
        return (
            np.asarray(ref_values.codes, dtype=np.int64),
            np.asarray(cur_values.codes, dtype=np.int64),
            labels,
        )
    # Factorise each sample on its own (faster than one pass over the concatenation), then
    # map the current sample's categories into the reference's numbering, appending the
    # unseen ones: the codes are those of pandas.factorize on the concatenation.
    ref_codes, ref_uniques = pd.factorize(np.asarray(ref_values, dtype=object))
    cur_codes, cur_uniques = pd.factorize(np.asarray(cur_values, dtype=object))
    ref_labels = np.asarray(ref_uniques, dtype=object)
    cur_labels = np.asarray(cur_uniques, dtype=object)
    position = pd.Index(ref_labels, dtype=object).get_indexer(cur_labels).astype(np.int64)
    unseen = position < 0
    position[unseen] = ref_labels.size + np.arange(np.count_nonzero(unseen), dtype=np.int64)
    labels = np.concatenate([ref_labels, cur_labels[unseen]])
    # A trailing -1 maps the missing-value code -1 to itself.
    cur_mapped = np.append(position, -1)[cur_codes]
    return ref_codes.astype(np.int64, copy=False), cur_mapped.astype(np.int64, copy=False), labels


def _check_missing(codes: np.ndarray, name: str, nan_policy: str) -> None:
    if nan_policy == "raise" and codes.size and codes.min() < 0:
        index = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(
            f"{name} contains a missing value (NaN/None) at index {index} "
            "(use nan_policy='omit' to drop missing values)"
        )


def _names(codes: np.ndarray, labels: Any) -> tuple[Any, ...]:
    if labels is None:
        return tuple(int(c) for c in codes)
    return tuple(_plain(labels[c]) for c in codes)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _prepare_categorical(ref: Any, cur: Any, nan_policy: str):
    nan_policy = check_option("nan_policy", nan_policy)
    ref_codes, cur_codes, labels = _encode(ref, cur)
    _check_missing(ref_codes, "ref", nan_policy)
    _check_missing(cur_codes, "cur", nan_policy)
    for name, codes in (("ref", ref_codes), ("cur", cur_codes)):
        if np.count_nonzero(codes >= 0) == 0:
            raise ValueError(f"{name} must hold at least one non-missing category, got none")
    return ref_codes, cur_codes, labels, nan_policy


def _homogeneity(
    test: str, ref: Any, cur: Any, yates_correction: Any, nan_policy: str
) -> CategoricalTestResult:
    if not isinstance(yates_correction, (bool, np.bool_)):
        raise TypeError(f"yates_correction must be a bool, got {type(yates_correction).__name__}")
    ref_codes, cur_codes, labels, nan_policy = _prepare_categorical(ref, cur, nan_policy)
    out = _core.categorical_test(ref_codes, cur_codes, test, bool(yates_correction), nan_policy)
    return CategoricalTestResult(
        statistic=float(out["statistic"]),
        p_value=float(out["p_value"]),
        dof=int(out["dof"]),
        method=test,
        yates_correction=bool(out["yates_applied"]),
        min_expected=float(out["min_expected"]),
        categories=_names(out["categories"], labels),
        reference_counts=out["reference_counts"],
        current_counts=out["current_counts"],
        unseen_categories=_names(out["unseen_categories"], labels),
        n_reference=int(out["n_reference"]),
        n_current=int(out["n_current"]),
        n_missing_reference=int(out["n_missing_reference"]),
        n_missing_current=int(out["n_missing_current"]),
    )


@_with_notes
def chi2_homogeneity(
    ref: Any, cur: Any, yates_correction: bool = False, nan_policy: str = "raise"
) -> CategoricalTestResult:
    """Chi-square test that two categorical samples come from one distribution.

    Pearson's test of homogeneity on the 2 x k table of counts over the k categories seen
    in either sample: statistic, ``dof = k - 1`` and p-value equal
    ``scipy.stats.chi2_contingency(table, correction=yates_correction)``. SciPy corrects
    for continuity (Yates) by default when k = 2; here the correction is off by default
    (as in alibi-detect's ChiSquareDrift) and ``yates_correction=True`` reproduces SciPy's
    default. With a single category the result is ``statistic=0, p_value=1, dof=0``.
    {categorical}

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current categorical samples.
    yates_correction : bool
        Apply Yates' continuity correction when there are two categories.
    nan_policy : {"raise", "omit"}
        Missing values raise ``ValueError`` or are dropped (and counted).

    Returns
    -------
    CategoricalTestResult

    Examples
    --------
    >>> from shiftguard.drift import chi2_homogeneity
    >>> ref = ["a"] * 50 + ["b"] * 50
    >>> cur = ["a"] * 30 + ["b"] * 60 + ["c"] * 10
    >>> result = chi2_homogeneity(ref, cur)
    >>> result.dof, result.unseen_categories
    (2, ('c',))
    >>> bool(result.p_value < 0.01)
    True
    """
    return _homogeneity("chi2", ref, cur, yates_correction, nan_policy)


@_with_notes
def g_test(
    ref: Any, cur: Any, yates_correction: bool = False, nan_policy: str = "raise"
) -> CategoricalTestResult:
    """G-test (log-likelihood ratio) that two categorical samples come from one distribution.

    ``G = 2 sum(O ln(O / E))`` on the same 2 x k table as :func:`chi2_homogeneity`; equals
    ``scipy.stats.chi2_contingency(table, correction=yates_correction,
    lambda_="log-likelihood")``.
    {categorical}

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current categorical samples.
    yates_correction : bool
        Apply Yates' continuity correction when there are two categories.
    nan_policy : {"raise", "omit"}
        Missing values raise ``ValueError`` or are dropped (and counted).

    Returns
    -------
    CategoricalTestResult

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import g_test
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.integers(0, 4, size=1000)
    >>> result = g_test(ref, rng.integers(0, 4, size=800))
    >>> result.method, result.dof, bool(result.p_value > 0.01)
    ('g-test', 3, True)
    """
    return _homogeneity("g-test", ref, cur, yates_correction, nan_policy)


_DISTANCE_METHODS = ("psi", "jensen_shannon", "linf")


@_with_notes
def categorical_distance(
    ref: Any,
    cur: Any,
    method: str = "psi",
    epsilon: float = 1e-4,
    base: float = 2.0,
    nan_policy: str = "raise",
) -> CategoricalDistanceResult:
    """Distance between the category frequencies of two samples.

    ``method`` picks the score:

    * ``"psi"``: population stability index ``sum((c - r) ln(c / r))`` over the categories,
      proportions floored at ``epsilon`` (an unseen category has ``r = epsilon``).
    * ``"jensen_shannon"``: Jensen-Shannon distance, equal to
      ``scipy.spatial.distance.jensenshannon(ref_counts, cur_counts, base)``.
    * ``"linf"``: L-infinity distance ``max |r - c|`` of the frequencies, the drift measure
      TensorFlow Data Validation thresholds for categorical features.
    {categorical}

    Parameters
    ----------
    ref, cur : array_like, 1-D
        Reference and current categorical samples.
    method : {"psi", "jensen_shannon", "linf"}
        The distance.
    epsilon : float
        Floor of the proportions in PSI, in (0, 1).
    base : float
        Logarithm base of the Jensen-Shannon distance.
    nan_policy : {"raise", "omit"}
        Missing values raise ``ValueError`` or are dropped (and counted).

    Returns
    -------
    CategoricalDistanceResult

    Examples
    --------
    >>> import pandas as pd
    >>> from shiftguard.drift import categorical_distance
    >>> ref = pd.Series(["red", "green", "green", "blue"], dtype="category")
    >>> cur = pd.Series(["red", "red", "green", "purple"])
    >>> result = categorical_distance(ref, cur, method="linf")
    >>> float(result), result.unseen_categories
    (0.25, ('purple',))
    """
    if not isinstance(method, str) or method not in _DISTANCE_METHODS:
        allowed = ", ".join(repr(m) for m in _DISTANCE_METHODS)
        raise ValueError(f"method must be one of {allowed}, got {method!r}")
    epsilon = _check_epsilon(epsilon)
    base = _check_base(base)
    ref_codes, cur_codes, labels, nan_policy = _prepare_categorical(ref, cur, nan_policy)
    out = _core.categorical_distances(ref_codes, cur_codes, epsilon, base, nan_policy)
    key = "linf_distance" if method == "linf" else method
    return CategoricalDistanceResult(
        statistic=float(out[key]),
        method=method,
        categories=_names(out["categories"], labels),
        reference_counts=out["reference_counts"],
        current_counts=out["current_counts"],
        unseen_categories=_names(out["unseen_categories"], labels),
        n_reference=int(out["n_reference"]),
        n_current=int(out["n_current"]),
        n_missing_reference=int(out["n_missing_reference"]),
        n_missing_current=int(out["n_missing_current"]),
    )
