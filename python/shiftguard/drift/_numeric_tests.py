"""Two-sample tests for numeric features with SciPy's statistics and p-values.

Each function takes the same arguments as its SciPy namesake and returns a frozen result
whose ``statistic`` and ``pvalue`` (also ``p_value``) match SciPy's, plus an effect size a
person can read. The work happens in the compiled core: values are sorted once and the
ranks come from one merge of the two sorted samples, so every test is O(n) after sorting.

Differences from SciPy (documented per function): ``nan_policy`` is ``"raise"`` (default) or
``"omit"`` (no ``"propagate"``); there is no ``axis`` (one pair of 1-D samples per call; the
drift detectors handle many features); ``anderson_ksamp`` reports a capped or floored p-value
in ``p_value_bound`` instead of warning; all-equal samples get a defined result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from .._validation import as_float_vector
from ._result_base import TestResultMixin

__all__ = [
    "AndersonKSampResult",
    "CramerVonMisesResult",
    "MannWhitneyUResult",
    "WelchTTestResult",
    "anderson_ksamp",
    "cramervonmises_2samp",
    "mannwhitneyu",
    "ttest_welch",
]

_ALTERNATIVES = ("two-sided", "less", "greater")
_METHODS = ("auto", "exact", "asymptotic")
_NAN_POLICIES = ("raise", "omit")
_VARIANTS = ("midrank", "right", "continuous")


def _check_choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    if isinstance(value, str) and name == "alternative" and value == "two_sided":
        value = "two-sided"
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(v) for v in allowed)
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def _two_samples(x: Any, y: Any, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    x_array = as_float_vector(x, x_name)
    y_array = as_float_vector(y, y_name)
    if x_array.dtype != y_array.dtype:
        x_array = x_array.astype(np.float64)
        y_array = y_array.astype(np.float64)
    return x_array, y_array


class _TestResult(TestResultMixin):
    """Shared behaviour: SciPy's ``pvalue`` spelling, unpacking, ``to_dict``."""

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for name in self.__dataclass_fields__:  # type: ignore[attr-defined]
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class CramerVonMisesResult(_TestResult):
    """Result of :func:`cramervonmises_2samp`.

    Attributes
    ----------
    statistic : float
        The Cramér-von Mises statistic T (as SciPy's).
    p_value : float
        Its p-value (also ``pvalue``).
    method : str
        ``"exact"`` or ``"asymptotic"``: the method used.
    rms_cdf_distance : float
        Effect size: root-mean-square difference between the two empirical CDFs over the
        pooled sample, in [0, 1] (0 for identical samples; on the scale of the KS distance).
    """

    statistic: float
    p_value: float
    method: str
    rms_cdf_distance: float


@dataclass(frozen=True)
class AndersonKSampResult(_TestResult):
    """Result of :func:`anderson_ksamp`.

    Attributes
    ----------
    statistic : float
        The standardized k-sample Anderson-Darling statistic (as SciPy's).
    p_value : float
        SciPy's interpolated p-value, capped at 0.25 and floored at 0.001 (also ``pvalue``
        and ``significance_level``).
    critical_values : tuple of float
        Critical values for the significance levels 25%, 10%, 5%, 2.5%, 1%, 0.5%, 0.1%.
    p_value_bound : str
        ``"interpolated"``, ``"capped"`` (true p-value larger than 0.25) or ``"floored"``
        (true p-value smaller than 0.001); SciPy warns in the last two cases.
    variant : str
        ``"midrank"``, ``"right"`` or ``"continuous"``.
    rms_cdf_distance : float
        Effect size: the largest, over pairs of samples, root-mean-square difference of their
        empirical CDFs over the pooled sample, in [0, 1].
    """

    statistic: float
    p_value: float
    critical_values: tuple[float, ...]
    p_value_bound: str
    variant: str
    rms_cdf_distance: float

    @property
    def significance_level(self) -> float:
        """Alias of ``p_value`` (SciPy's older name)."""
        return self.p_value


@dataclass(frozen=True)
class MannWhitneyUResult(_TestResult):
    """Result of :func:`mannwhitneyu`.

    Attributes
    ----------
    statistic : float
        U of the first sample ``x`` (as SciPy's).
    p_value : float
        Its p-value (also ``pvalue``).
    method : str
        ``"exact"`` or ``"asymptotic"``: the method used.
    common_language_effect_size : float
        ``U / (n_x n_y)`` = P[X > Y] + P[X = Y] / 2 for X from ``x`` and Y from ``y``; 0.5
        when neither sample tends to be larger.
    rank_biserial : float
        ``2 * common_language_effect_size - 1``, in [-1, 1], positive when ``x`` tends to be
        larger.
    z : float
        Standardized statistic of the normal approximation (0 for the exact method).
    has_ties : bool
        Whether some value occurs more than once in the pooled sample.
    """

    statistic: float
    p_value: float
    method: str
    common_language_effect_size: float
    rank_biserial: float
    z: float
    has_ties: bool


@dataclass(frozen=True)
class WelchTTestResult(_TestResult):
    """Result of :func:`ttest_welch`.

    Attributes
    ----------
    statistic : float
        Welch's t (as ``scipy.stats.ttest_ind(a, b, equal_var=False)``).
    p_value : float
        Its p-value (also ``pvalue``).
    df : float
        Welch-Satterthwaite degrees of freedom.
    mean_difference : float
        ``mean(a) - mean(b)``.
    cohens_d : float
        Effect size: mean difference over ``sqrt((var(a) + var(b)) / 2)`` (sample variances).
    standard_error : float
        ``sqrt(var(a) / n_a + var(b) / n_b)``.
    """

    statistic: float
    p_value: float
    df: float
    mean_difference: float
    cohens_d: float
    standard_error: float


def cramervonmises_2samp(
    x: Any, y: Any, method: str = "auto", *, nan_policy: str = "raise"
) -> CramerVonMisesResult:
    """Two-sample Cramér-von Mises test.

    Same statistic and p-value as ``scipy.stats.cramervonmises_2samp(x, y, method)``.

    Parameters
    ----------
    x, y : array_like, 1-D
        The two samples (float32, float64, int or bool), at least 2 values each.
    method : {"auto", "exact", "asymptotic"}
        How the p-value is computed: the exact null distribution (practical up to a few dozen
        values per sample), or the asymptotic approximation; ``"auto"`` is exact when both
        samples have at most 20 values.
    nan_policy : {"raise", "omit"}
        Non-finite values (NaN, +-inf) raise ``ValueError`` or are dropped.

    Returns
    -------
    CramerVonMisesResult

    Examples
    --------
    >>> import numpy as np, shiftguard
    >>> rng = np.random.default_rng(0)
    >>> result = shiftguard.drift.cramervonmises_2samp(rng.normal(size=300),
    ...                                               rng.normal(0.5, size=200))
    >>> bool(result.pvalue < 0.05), result.method
    (True, 'asymptotic')
    """
    method = _check_choice("method", method, _METHODS)
    nan_policy = _check_choice("nan_policy", nan_policy, _NAN_POLICIES)
    x_array, y_array = _two_samples(x, y, "x", "y")
    statistic, p_value, used, distance = _core.cramervonmises_2samp(
        x_array, y_array, method, nan_policy
    )
    return CramerVonMisesResult(float(statistic), float(p_value), str(used), float(distance))


def anderson_ksamp(
    samples: Sequence[Any],
    midrank: bool | None = None,
    *,
    variant: str | None = None,
    nan_policy: str = "raise",
) -> AndersonKSampResult:
    """k-sample Anderson-Darling test (Scholz and Stephens 1987).

    Same statistic, critical values and p-value as
    ``scipy.stats.anderson_ksamp(samples, variant=variant)`` (SciPy 1.17). SciPy's p-value is
    interpolated from a table and capped at 0.25 / floored at 0.001 outside it; SciPy warns
    then, shiftguard says so in ``p_value_bound`` (a drift detector tests many features).
    SciPy's ``method=PermutationMethod(...)`` is not offered.

    Parameters
    ----------
    samples : sequence of array_like, 1-D
        Two or more samples, each non-empty, at least 4 values in all.
    midrank : bool, optional
        Older spelling of the variant (SciPy deprecates it in 1.17): True is ``"midrank"``,
        False is ``"right"``. Give ``midrank`` or ``variant``, not both.
    variant : {"midrank", "right", "continuous"}, optional
        ``"midrank"`` (default) suits continuous and discrete data; ``"right"`` uses the
        right-continuous empirical CDF (discrete data); ``"continuous"`` is the statistic for
        data without ties.
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    AndersonKSampResult

    Examples
    --------
    >>> import numpy as np, shiftguard
    >>> rng = np.random.default_rng(0)
    >>> result = shiftguard.drift.anderson_ksamp([rng.normal(size=200),
    ...                                           rng.normal(0.4, size=150)])
    >>> bool(result.pvalue < 0.05), result.p_value_bound
    (True, 'interpolated')
    """
    if midrank is not None and variant is not None:
        raise TypeError("anderson_ksamp: give variant or midrank, not both")
    if variant is None:
        if midrank is not None and not isinstance(midrank, (bool, np.bool_)):
            raise TypeError(f"midrank must be True or False, got {midrank!r}")
        variant = "right" if midrank is False or midrank is np.False_ else "midrank"
    variant = _check_choice("variant", variant, _VARIANTS)
    nan_policy = _check_choice("nan_policy", nan_policy, _NAN_POLICIES)
    if isinstance(samples, np.ndarray) and samples.ndim == 1:
        raise ValueError("samples must be a sequence of 1-D samples, got a single 1-D array")
    try:
        arrays = [as_float_vector(s, f"samples[{i}]") for i, s in enumerate(samples)]
    except TypeError as exc:
        if "samples[" in str(exc):
            raise
        raise TypeError(
            f"samples must be a sequence of 1-D arrays, got {type(samples).__name__}"
        ) from exc
    if len(arrays) < 2:
        raise ValueError(f"anderson_ksamp needs at least 2 samples, got {len(arrays)}")
    if len({a.dtype for a in arrays}) > 1:
        arrays = [a.astype(np.float64) for a in arrays]
    statistic, p_value, critical, bound, used, distance = _core.anderson_ksamp(
        arrays, variant, nan_policy
    )
    return AndersonKSampResult(
        float(statistic),
        float(p_value),
        tuple(float(c) for c in critical),
        str(bound),
        str(used),
        float(distance),
    )


def mannwhitneyu(
    x: Any,
    y: Any,
    use_continuity: bool = True,
    alternative: str = "two-sided",
    method: str = "auto",
    *,
    nan_policy: str = "raise",
) -> MannWhitneyUResult:
    """Mann-Whitney U rank test of two independent samples.

    Same statistic (U of ``x``) and p-value as
    ``scipy.stats.mannwhitneyu(x, y, use_continuity, alternative, method=method)``.

    Parameters
    ----------
    x, y : array_like, 1-D
        The two samples, at least one value each.
    use_continuity : bool
        Continuity correction (1/2) of the normal approximation.
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: the distribution of ``x`` is stochastically less than that of ``y``;
        ``"greater"``: stochastically greater.
    method : {"auto", "exact", "asymptotic"}
        Exact null distribution (no tie correction) or normal approximation with tie
        correction; ``"auto"`` is exact when one sample has at most 8 values and there are
        no ties.
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    MannWhitneyUResult
        When every value of both samples is the same, U is ``n_x n_y / 2`` and the
        asymptotic p-value is 1 (SciPy gives NaN without the continuity correction).

    Examples
    --------
    >>> import numpy as np, shiftguard
    >>> result = shiftguard.drift.mannwhitneyu([19, 22, 16, 29, 24], [20, 11, 17, 12])
    >>> result.statistic, round(result.pvalue, 4), result.method
    (17.0, 0.1111, 'exact')
    >>> result.common_language_effect_size
    0.85
    """
    if not isinstance(use_continuity, (bool, np.bool_)):
        raise TypeError(f"use_continuity must be True or False, got {use_continuity!r}")
    alternative = _check_choice("alternative", alternative, _ALTERNATIVES)
    method = _check_choice("method", method, _METHODS)
    nan_policy = _check_choice("nan_policy", nan_policy, _NAN_POLICIES)
    x_array, y_array = _two_samples(x, y, "x", "y")
    statistic, p_value, used, cles, biserial, z, ties = _core.mannwhitneyu(
        x_array, y_array, bool(use_continuity), alternative, method, nan_policy
    )
    return MannWhitneyUResult(
        float(statistic), float(p_value), str(used), float(cles), float(biserial), float(z),
        bool(ties),
    )


def ttest_welch(
    a: Any, b: Any, alternative: str = "two-sided", *, nan_policy: str = "raise"
) -> WelchTTestResult:
    """Welch's t-test of two independent samples (unequal variances).

    Same statistic, degrees of freedom and p-value as
    ``scipy.stats.ttest_ind(a, b, equal_var=False, alternative=alternative)``.

    Parameters
    ----------
    a, b : array_like, 1-D
        The two samples, at least 2 values each.
    alternative : {"two-sided", "less", "greater"}
        ``"less"``: the mean of ``a`` is less than that of ``b``; ``"greater"``: greater.
    nan_policy : {"raise", "omit"}
        Non-finite values raise ``ValueError`` or are dropped.

    Returns
    -------
    WelchTTestResult
        When both samples are constant (SciPy gives NaN): equal means give t = 0 and
        p-value 1; different means give t = +-inf with the p-value of a certain difference,
        and ``df = n_a + n_b - 2``.

    Examples
    --------
    >>> import numpy as np, shiftguard
    >>> rng = np.random.default_rng(0)
    >>> result = shiftguard.drift.ttest_welch(rng.normal(0, 1, 500), rng.normal(0.3, 2, 400))
    >>> bool(result.pvalue < 0.05), round(result.mean_difference, 1)
    (True, -0.3)
    """
    alternative = _check_choice("alternative", alternative, _ALTERNATIVES)
    nan_policy = _check_choice("nan_policy", nan_policy, _NAN_POLICIES)
    a_array, b_array = _two_samples(a, b, "a", "b")
    statistic, p_value, df, difference, d, error = _core.ttest_welch(
        a_array, b_array, alternative, nan_policy
    )
    return WelchTTestResult(
        float(statistic), float(p_value), float(df), float(difference), float(d), float(error)
    )
