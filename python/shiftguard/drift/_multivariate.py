"""Multivariate two-sample drift tests: MMD, LSDD, energy distance and Hotelling's T^2.

The detectors follow alibi-detect's shape: the reference data is given at construction,
``predict(x)`` tests a batch and returns a frozen result whose ``to_dict()`` has
alibi-detect's ``{'meta': ..., 'data': {'is_drift', 'p_val', 'threshold', 'distance',
'distance_threshold'}}`` layout. The permutation tests run in parallel in C++ (oneTBB) and
give the same answer for a given ``seed`` whatever the number of threads.
"""

from __future__ import annotations

import html
import pathlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from .._validation import as_float_matrix, check_n_threads, check_p_val, feature_names_for

__all__ = [
    "EnergyDrift",
    "HotellingDrift",
    "HotellingDriftResult",
    "LSDDDrift",
    "LinearMMDResult",
    "MMDDrift",
    "MultivariateDriftResult",
    "multivariate_energy_distance",
    "energy_test",
    "hotelling_test",
    "linear_mmd_test",
    "median_heuristic_sigma",
    "mmd2",
    "mmd_test",
]


# --------------------------------------------------------------------------- checks


def _check_n_permutations(n_permutations: Any) -> int:
    if isinstance(n_permutations, bool) or not isinstance(n_permutations, (int, np.integer)):
        raise TypeError(f"n_permutations must be a positive int, got {n_permutations!r}")
    if n_permutations < 1:
        raise ValueError(f"n_permutations must be >= 1, got {n_permutations}")
    return int(n_permutations)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative int, got {seed!r}")
    if seed < 0 or seed >= 2**64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    return int(seed)


def _check_sigma(sigma: Any) -> float:
    """None selects the median heuristic (0 for the core); a scalar or 1-element array."""
    if sigma is None:
        return 0.0
    values = np.asarray(sigma, dtype=float).ravel()
    if values.size != 1:
        raise ValueError(
            f"sigma must be one bandwidth (a scalar or a 1-element array), got {values.size} "
            "values; shiftguard does not average kernels over several bandwidths"
        )
    value = float(values[0])
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"sigma must be a finite number > 0 (or None), got {value}")
    return value


def _pair(x_ref: Any, x: Any, names: tuple[str, str] = ("x_ref", "x")):
    a, _ = as_float_matrix(x_ref, names[0])
    b, _ = as_float_matrix(x, names[1])
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"{names[1]} has {b.shape[1]} features (columns) but {names[0]} has {a.shape[1]}"
        )
    return a, b


def _batch(x: Any, n_features: int) -> np.ndarray:
    array, _ = as_float_matrix(x, "x")
    if array.shape[1] != n_features:
        raise ValueError(
            f"x has {array.shape[1]} features (columns) but the reference has {n_features}"
        )
    return array


def _meta(name: str) -> dict[str, Any]:
    from .. import __version__

    return {
        "name": name,
        "online": False,
        "data_type": None,
        "version": __version__,
        "detector_type": "drift",
        "backend": "shiftguard",
    }


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class MultivariateDriftResult:
    """Verdict of a multivariate permutation test (MMD, LSDD, energy distance)."""

    method: str
    """Detector name: "MMDDrift", "LSDDDrift" or "EnergyDrift"."""
    is_drift: bool
    """``p_value < p_val``."""
    p_value: float
    """Permutation p-value (b + 1) / (B + 1), never 0."""
    threshold: float
    """The significance level ``p_val`` the p-value is compared with."""
    distance: float
    """The statistic: unbiased MMD^2, the LSDD estimate, or the squared energy distance."""
    distance_threshold: float
    """Permuted statistic at the ``p_val`` upper quantile (alibi-detect's definition)."""
    permuted_distances: np.ndarray = field(repr=False)
    """The statistic under each permutation, in permutation order."""
    details: dict[str, float] = field(default_factory=dict)
    """Method-specific values: ``sigma`` (MMD), ``lambda`` (LSDD), ``scaled_statistic``."""

    @property
    def p_val(self) -> float:
        """Alias of ``p_value`` (alibi-detect's key)."""
        return self.p_value

    def to_dict(self) -> dict[str, Any]:
        """alibi-detect's ``{'meta': ..., 'data': ...}`` layout (``is_drift`` as an int)."""
        return {
            "meta": _meta(self.method),
            "data": {
                "is_drift": int(self.is_drift),
                "p_val": self.p_value,
                "threshold": self.threshold,
                "distance": self.distance,
                "distance_threshold": self.distance_threshold,
            },
        }

    def verdict(self) -> str:
        word = "DRIFT" if self.is_drift else "no drift"
        return f"{word} ({self.method}: distance {self.distance:.4g}, p-value {self.p_value:.3g})"

    def __str__(self) -> str:
        return self.verdict()

    def _repr_html_(self) -> str:
        colour = "#b00020" if self.is_drift else "#1b5e20"
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{v:.6g}</td></tr>"
            for k, v in [
                ("distance", self.distance),
                ("distance threshold", self.distance_threshold),
                ("p-value", self.p_value),
                ("p_val", self.threshold),
                *self.details.items(),
            ]
        )
        return (
            f"<div><strong style='color:{colour}'>{html.escape(self.verdict())}</strong>"
            f"<table><tbody>{rows}</tbody></table></div>"
        )


def _permutation_result(method: str, raw: dict, details: dict[str, float]):
    return MultivariateDriftResult(
        method=method,
        is_drift=bool(raw["is_drift"]),
        p_value=float(raw["p_value"]),
        threshold=float(raw["threshold"]),
        distance=float(raw["statistic"]),
        distance_threshold=float(raw["distance_threshold"]),
        permuted_distances=raw["permuted_statistics"],
        details=details,
    )


@dataclass(frozen=True)
class LinearMMDResult:
    """Result of :func:`linear_mmd_test` (Gretton et al. 2012, linear-time MMD)."""

    statistic: float
    """Linear-time estimate of MMD^2 (mean of the h statistics)."""
    p_value: float
    """One-sided Gaussian p-value."""
    z_score: float
    std_dev: float
    """Sample standard deviation of the h statistics."""
    n_pairs: int
    """floor(min(n, m) / 2) pairs used."""
    sigma: float
    is_drift: bool
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": _meta("LinearMMD"),
            "data": {
                "is_drift": int(self.is_drift),
                "p_val": self.p_value,
                "threshold": self.threshold,
                "distance": self.statistic,
                "distance_threshold": None,
            },
        }


@dataclass(frozen=True, eq=False)
class HotellingDriftResult:
    """Verdict of Hotelling's T^2 test with which features moved most."""

    is_drift: bool
    p_value: float
    """Upper tail of F(df1, df2) at ``f_statistic``."""
    threshold: float
    t2: float
    """Hotelling's T^2 = n1 n2 / (n1 + n2) D^2."""
    f_statistic: float
    df1: float
    df2: float
    mahalanobis: float
    """D: Mahalanobis distance between the two means under the pooled covariance."""
    feature_names: tuple[str, ...]
    mean_difference: np.ndarray = field(repr=False)
    """Current mean minus reference mean, per feature."""
    standardized_difference: np.ndarray = field(repr=False)
    """Mean difference over the pooled standard deviation, per feature."""
    contribution: np.ndarray = field(repr=False)
    """Each feature's share delta_j (S^-1 delta)_j of D^2 (they sum to D^2)."""

    @property
    def distance(self) -> float:
        return self.t2

    @property
    def top_features(self) -> tuple[str, ...]:
        """Feature names by decreasing contribution to D^2."""
        order = np.argsort(-self.contribution, kind="stable")
        return tuple(self.feature_names[i] for i in order)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": _meta("HotellingDrift"),
            "data": {
                "is_drift": int(self.is_drift),
                "p_val": self.p_value,
                "threshold": self.threshold,
                "distance": self.t2,
                "distance_threshold": None,
            },
        }

    def to_frame(self):
        """Per-feature report as a pandas DataFrame, sorted by contribution."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "mean_difference": self.mean_difference,
                "standardized_difference": self.standardized_difference,
                "contribution": self.contribution,
            },
            index=pd.Index(list(self.feature_names), name="feature"),
        )
        return frame.sort_values("contribution", ascending=False, kind="stable")

    def verdict(self) -> str:
        word = "DRIFT" if self.is_drift else "no drift"
        return (
            f"{word} (Hotelling T^2 {self.t2:.4g}, F({self.df1:g}, {self.df2:g}) = "
            f"{self.f_statistic:.4g}, p-value {self.p_value:.3g})"
        )

    def __str__(self) -> str:
        return self.verdict()

    def _repr_html_(self) -> str:
        colour = "#b00020" if self.is_drift else "#1b5e20"
        order = np.argsort(-self.contribution, kind="stable")
        rows = "".join(
            f"<tr><td>{html.escape(self.feature_names[i])}</td>"
            f"<td>{self.mean_difference[i]:.4g}</td>"
            f"<td>{self.standardized_difference[i]:.4g}</td>"
            f"<td>{self.contribution[i]:.4g}</td></tr>"
            for i in order
        )
        return (
            f"<div><strong style='color:{colour}'>{html.escape(self.verdict())}</strong>"
            "<table><thead><tr><th>feature</th><th>mean difference</th>"
            "<th>standardized</th><th>contribution to D&sup2;</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


def _hotelling_result(raw: dict, names: tuple[str, ...]) -> HotellingDriftResult:
    return HotellingDriftResult(
        is_drift=bool(raw["is_drift"]),
        p_value=float(raw["p_value"]),
        threshold=float(raw["threshold"]),
        t2=float(raw["t2"]),
        f_statistic=float(raw["f_statistic"]),
        df1=float(raw["df1"]),
        df2=float(raw["df2"]),
        mahalanobis=float(raw["mahalanobis"]),
        feature_names=names,
        mean_difference=raw["mean_difference"],
        standardized_difference=raw["standardized_difference"],
        contribution=raw["contribution"],
    )


# --------------------------------------------------------------------------- functions


def median_heuristic_sigma(x_ref: Any, n_threads: int | None = None) -> float:
    """alibi-detect's median-heuristic bandwidth of the Gaussian RBF kernel.

    ``sigma = sqrt(median / 2)`` with ``median`` the (lower) median of the squared
    Euclidean distances between distinct rows of ``x_ref``, so that the kernel
    ``exp(-|x - y|^2 / (2 sigma^2))`` equals ``exp(-|x - y|^2 / median)``.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import median_heuristic_sigma
    >>> x = np.array([[0.0], [1.0], [3.0]])  # squared distances 1, 4, 9: median 4
    >>> bool(median_heuristic_sigma(x) == np.sqrt(2.0))
    True
    """
    array, _ = as_float_matrix(x_ref, "x_ref")
    return float(_core.median_heuristic_sigma(array, check_n_threads(n_threads)))


def mmd2(x: Any, y: Any, sigma: float | None = None, n_threads: int | None = None) -> float:
    """Unbiased MMD^2 between the rows of ``x`` and ``y`` with the Gaussian RBF kernel.

    ``sigma=None`` uses the median heuristic on ``x`` (:func:`median_heuristic_sigma`).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import mmd2
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(200, 3)), rng.normal(1.0, size=(200, 3))
    >>> mmd2(x, y) > 0.1 > abs(mmd2(x, rng.normal(size=(200, 3))))
    True
    """
    a, b = _pair(x, y, ("x", "y"))
    return float(_core.mmd2(a, b, _check_sigma(sigma), check_n_threads(n_threads)))


def mmd_test(
    x_ref: Any,
    x: Any,
    p_val: float = 0.05,
    n_permutations: int = 100,
    sigma: float | None = None,
    seed: int = 0,
    n_threads: int | None = None,
) -> MultivariateDriftResult:
    """MMD permutation test of ``x_ref`` against ``x`` (see :class:`MMDDrift`).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import mmd_test
    >>> rng = np.random.default_rng(1)
    >>> result = mmd_test(rng.normal(size=(100, 2)), rng.normal(0.8, size=(80, 2)), seed=7)
    >>> result.is_drift, result.p_value
    (True, 0.009900990099009901)
    """
    a, b = _pair(x_ref, x)
    raw = _core.mmd_test(
        a,
        b,
        check_p_val(p_val),
        _check_n_permutations(n_permutations),
        _check_sigma(sigma),
        _check_seed(seed),
        check_n_threads(n_threads),
    )
    return _permutation_result("MMDDrift", raw, {"sigma": float(raw["sigma"])})


def linear_mmd_test(
    x: Any, y: Any, sigma: float | None = None, p_val: float = 0.05
) -> LinearMMDResult:
    """Linear-time MMD test (Gretton et al., JMLR 2012, section 6) for large samples.

    Pairs consecutive rows: with ``m2 = min(n, m) // 2`` and ``h_i = k(x_2i, x_2i+1) +
    k(y_2i, y_2i+1) - k(x_2i, y_2i+1) - k(x_2i+1, y_2i)``, the statistic is ``mean(h)`` and
    the p-value ``1 - Phi(sqrt(m2) mean(h) / std(h))``. Rows are used in the order given
    (shuffle ordered data first). ``sigma=None`` uses the median heuristic on at most the
    first 1,000 rows of ``x``. Cost O((n + m) d), memory O(d).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import linear_mmd_test
    >>> rng = np.random.default_rng(2)
    >>> result = linear_mmd_test(rng.normal(size=(20000, 4)), rng.normal(0.2, size=(20000, 4)))
    >>> result.is_drift, result.n_pairs
    (True, 10000)
    """
    a, b = _pair(x, y, ("x", "y"))
    raw = _core.linear_mmd_test(a, b, _check_sigma(sigma), check_p_val(p_val))
    return LinearMMDResult(
        statistic=float(raw["statistic"]),
        p_value=float(raw["p_value"]),
        z_score=float(raw["z_score"]),
        std_dev=float(raw["std_dev"]),
        n_pairs=int(raw["n_pairs"]),
        sigma=float(raw["sigma"]),
        is_drift=bool(raw["is_drift"]),
        threshold=float(raw["threshold"]),
    )


def multivariate_energy_distance(x: Any, y: Any, n_threads: int | None = None) -> float:
    """Energy distance between the rows of ``x`` and ``y``: the square root of
    ``2 E|X - Y| - E|X - X'| - E|Y - Y'|`` (V-statistics, Euclidean norm); in one dimension
    it equals ``scipy.stats.energy_distance``.

    Examples
    --------
    >>> import numpy as np, scipy.stats
    >>> from shiftguard.drift import multivariate_energy_distance
    >>> a, b = np.array([0.0, 1.0, 3.0]), np.array([5.0, 6.0])
    >>> d = multivariate_energy_distance(a[:, None], b[:, None])
    >>> bool(np.isclose(d, scipy.stats.energy_distance(a, b)))
    True
    """
    a, b = _pair(x, y, ("x", "y"))
    value = float(_core.energy_distance_squared(a, b, check_n_threads(n_threads)))
    return float(np.sqrt(max(value, 0.0)))


def energy_test(
    x_ref: Any,
    x: Any,
    p_val: float = 0.05,
    n_permutations: int = 100,
    seed: int = 0,
    n_threads: int | None = None,
) -> MultivariateDriftResult:
    """Energy-distance permutation test of ``x_ref`` against ``x`` (see :class:`EnergyDrift`).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import energy_test
    >>> rng = np.random.default_rng(3)
    >>> energy_test(rng.normal(size=(100, 3)), rng.normal(size=(100, 3)), seed=1).is_drift
    False
    """
    a, b = _pair(x_ref, x)
    raw = _core.energy_test(
        a,
        b,
        check_p_val(p_val),
        _check_n_permutations(n_permutations),
        _check_seed(seed),
        check_n_threads(n_threads),
    )
    return _permutation_result(
        "EnergyDrift", raw, {"scaled_statistic": float(raw["scaled_statistic"])}
    )


def hotelling_test(
    x_ref: Any, x: Any, p_val: float = 0.05, feature_names: Sequence[str] | None = None
) -> HotellingDriftResult:
    """Hotelling's two-sample T^2 test of a mean shift (see :class:`HotellingDrift`).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import hotelling_test
    >>> rng = np.random.default_rng(4)
    >>> x = rng.normal(size=(300, 3))
    >>> x[:, 2] += 0.4
    >>> result = hotelling_test(rng.normal(size=(300, 3)), x)
    >>> result.is_drift, result.top_features[0]
    (True, 'f2')
    """
    a, b = _pair(x_ref, x)
    names = feature_names_for(a.shape[1], feature_names, _frame_names(x_ref))
    return _hotelling_result(_core.hotelling_test(a, b, check_p_val(p_val)), names)


def _frame_names(x: Any) -> list[str] | None:
    if hasattr(x, "columns") and hasattr(x, "iloc"):
        return [str(c) for c in x.columns]
    return None


# --------------------------------------------------------------------------- detectors


class _Detector:
    _core_detector: Any

    @property
    def n_features(self) -> int:
        return int(self._core_detector.n_features)

    @property
    def n_reference(self) -> int:
        return int(self._core_detector.n_reference)


class MMDDrift(_Detector):
    """Maximum mean discrepancy drift detector (alibi-detect's ``MMDDrift``).

    Gaussian RBF kernel ``k(x, y) = exp(-|x - y|^2 / (2 sigma^2))``; ``sigma=None`` uses
    alibi-detect's median heuristic on ``x_ref`` (:func:`median_heuristic_sigma`). The
    statistic is the unbiased MMD^2 and the p-value a permutation p-value ``(b + 1) / (B +
    1)`` (alibi-detect reports ``b / B``, which can be 0). Fitting computes the reference
    kernel block and its sums once; each :meth:`predict` computes the rest of the pooled
    kernel matrix (squared norms + GEMM, in double) and runs the permutations in parallel on
    it. The result depends on ``seed`` only, never on ``n_threads``.

    Parameters
    ----------
    x_ref : array_like or pandas.DataFrame, shape (n_samples, n_features)
        Reference data (float32 or float64; kept as float64). At least 2 rows, finite.
    p_val : float, default 0.05
        Significance level.
    sigma : float or None, default None
        Kernel bandwidth; None selects the median heuristic.
    n_permutations : int, default 100
    seed : int, default 0
        Seed of the permutations.
    n_threads : int or None, default None
        Threads for the kernel matrix and the permutations; None uses every core.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import MMDDrift
    >>> rng = np.random.default_rng(0)
    >>> detector = MMDDrift(rng.normal(size=(200, 5)), seed=1)
    >>> detector.predict(rng.normal(0.5, size=(100, 5))).is_drift
    True
    >>> detector.predict(rng.normal(size=(100, 5))).to_dict()["data"]["is_drift"]
    0
    """

    def __init__(
        self,
        x_ref: Any,
        p_val: float = 0.05,
        sigma: float | None = None,
        n_permutations: int = 100,
        seed: int = 0,
        *,
        n_threads: int | None = None,
    ) -> None:
        self.p_val = check_p_val(p_val)
        self.n_permutations = _check_n_permutations(n_permutations)
        self.seed = _check_seed(seed)
        self.n_threads = n_threads
        array, _ = as_float_matrix(x_ref, "x_ref")
        self._core_detector = _core.MMDDetector(
            array,
            self.p_val,
            self.n_permutations,
            _check_sigma(sigma),
            self.seed,
            check_n_threads(n_threads),
        )

    @property
    def sigma(self) -> float:
        """Bandwidth in use (given, or from the median heuristic)."""
        return float(self._core_detector.sigma)

    def predict(
        self, x: Any, return_p_val: bool = True, return_distance: bool = True
    ) -> MultivariateDriftResult:
        """Test the batch ``x`` against the reference. ``return_p_val`` and
        ``return_distance`` are accepted for alibi-detect compatibility; the result always
        carries both."""
        raw = self._core_detector.predict(_batch(x, self.n_features))
        return _permutation_result("MMDDrift", raw, {"sigma": self.sigma})

    def save(self, path: str | pathlib.Path) -> None:
        """Write the fitted detector (reference, bandwidth, kernel sums) to ``path``."""
        pathlib.Path(path).write_bytes(self._core_detector.save())

    @classmethod
    def load(cls, path: str | pathlib.Path) -> MMDDrift:
        """Read a detector written by :meth:`save`; raises ValueError for malformed data."""
        core = _core.MMDDetector.load(pathlib.Path(path).read_bytes())
        self = cls.__new__(cls)
        self._core_detector = core
        self.p_val = float(core.p_val)
        self.n_permutations = int(core.n_permutations)
        self.seed = int(core.seed)
        self.n_threads = None
        return self

    def __repr__(self) -> str:
        return (
            f"MMDDrift(n_reference={self.n_reference}, n_features={self.n_features}, "
            f"sigma={self.sigma:.6g}, p_val={self.p_val}, n_permutations={self.n_permutations})"
        )


class LSDDDrift(_Detector):
    """Least-squares density difference drift detector (alibi-detect's ``LSDDDrift``).

    Features are standardised with the reference mean and standard deviation;
    ``n_kernel_centers`` reference rows (default ``max(n // 20, 1)``, chosen with ``seed``)
    become the centres of a Gaussian density-difference model and the remaining reference
    rows the sample that batches are compared with; ``sigma=None`` uses the median
    heuristic on the standardised reference. The regularisation ``lambda`` is chosen per
    batch as the largest of ``4**-i`` (i = 0..9) whose mean relative difference over the
    permuted splits is below ``lambda_rd_max``. p-value ``(b + 1) / (B + 1)``.

    Parameters
    ----------
    x_ref : array_like or pandas.DataFrame, shape (n_samples, n_features)
        Reference data, at least 3 rows, no constant column.
    p_val : float, default 0.05
    sigma : float or None, default None
        Bandwidth in standardised units; None selects the median heuristic.
    n_permutations : int, default 100
    n_kernel_centers : int or None, default None
    lambda_rd_max : float, default 0.2
    seed : int, default 0
        Seed of the centre choice and the permutations.
    n_threads : int or None, default None
    kernel_center_rows : sequence of int, optional
        Row indices of ``x_ref`` to use as centres (overrides the random choice).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import LSDDDrift
    >>> rng = np.random.default_rng(0)
    >>> detector = LSDDDrift(rng.normal(size=(500, 4)), seed=3)
    >>> detector.predict(rng.normal(0.4, size=(200, 4))).is_drift
    True
    """

    def __init__(
        self,
        x_ref: Any,
        p_val: float = 0.05,
        sigma: float | None = None,
        n_permutations: int = 100,
        n_kernel_centers: int | None = None,
        lambda_rd_max: float = 0.2,
        seed: int = 0,
        *,
        n_threads: int | None = None,
        kernel_center_rows: Sequence[int] | None = None,
    ) -> None:
        self.p_val = check_p_val(p_val)
        self.n_permutations = _check_n_permutations(n_permutations)
        self.seed = _check_seed(seed)
        self.n_threads = n_threads
        if n_kernel_centers is not None:
            if isinstance(n_kernel_centers, bool) or not isinstance(
                n_kernel_centers, (int, np.integer)
            ):
                raise TypeError(
                    f"n_kernel_centers must be a positive int, got {n_kernel_centers!r}"
                )
            if n_kernel_centers < 1:
                raise ValueError(f"n_kernel_centers must be >= 1, got {n_kernel_centers}")
        if not (isinstance(lambda_rd_max, (int, float)) and lambda_rd_max > 0):
            raise ValueError(f"lambda_rd_max must be a number > 0, got {lambda_rd_max!r}")
        rows = [] if kernel_center_rows is None else [int(r) for r in kernel_center_rows]
        array, _ = as_float_matrix(x_ref, "x_ref")
        self._core_detector = _core.LSDDDetector(
            array,
            self.p_val,
            self.n_permutations,
            _check_sigma(sigma),
            int(n_kernel_centers or 0),
            float(lambda_rd_max),
            self.seed,
            check_n_threads(n_threads),
            rows,
        )

    @property
    def sigma(self) -> float:
        return float(self._core_detector.sigma)

    @property
    def kernel_center_rows(self) -> np.ndarray:
        """Row indices of ``x_ref`` used as kernel centres."""
        return self._core_detector.center_rows

    def predict(
        self, x: Any, return_p_val: bool = True, return_distance: bool = True
    ) -> MultivariateDriftResult:
        """Test the batch ``x`` against the reference."""
        raw = self._core_detector.predict(_batch(x, self.n_features))
        return _permutation_result(
            "LSDDDrift", raw, {"sigma": self.sigma, "lambda": float(raw["lambda"])}
        )

    def __repr__(self) -> str:
        return (
            f"LSDDDrift(n_reference={self.n_reference}, n_features={self.n_features}, "
            f"sigma={self.sigma:.6g}, p_val={self.p_val}, n_permutations={self.n_permutations})"
        )


class EnergyDrift(_Detector):
    """Multivariate energy-distance drift detector with a permutation test.

    Statistic: the squared energy distance ``2 E|X - Y| - E|X - X'| - E|Y - Y'|``
    (V-statistics, Euclidean norm); ``details["scaled_statistic"]`` is Szekely and Rizzo's
    ``n m / (n + m)`` times it. p-value ``(b + 1) / (B + 1)`` from one pooled distance
    matrix, permutations in parallel, the same for any ``n_threads``. No kernel bandwidth
    to choose, so it is a good default when the scale of the features is meaningful.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import EnergyDrift
    >>> rng = np.random.default_rng(0)
    >>> detector = EnergyDrift(rng.normal(size=(200, 3)), seed=2)
    >>> detector.predict(rng.normal(scale=1.6, size=(200, 3))).is_drift
    True
    """

    def __init__(
        self,
        x_ref: Any,
        p_val: float = 0.05,
        n_permutations: int = 100,
        seed: int = 0,
        *,
        n_threads: int | None = None,
    ) -> None:
        self.p_val = check_p_val(p_val)
        self.n_permutations = _check_n_permutations(n_permutations)
        self.seed = _check_seed(seed)
        self.n_threads = n_threads
        array, _ = as_float_matrix(x_ref, "x_ref")
        self._core_detector = _core.EnergyDetector(
            array, self.p_val, self.n_permutations, self.seed, check_n_threads(n_threads)
        )

    def predict(
        self, x: Any, return_p_val: bool = True, return_distance: bool = True
    ) -> MultivariateDriftResult:
        """Test the batch ``x`` against the reference."""
        raw = self._core_detector.predict(_batch(x, self.n_features))
        return _permutation_result(
            "EnergyDrift", raw, {"scaled_statistic": float(raw["scaled_statistic"])}
        )

    def __repr__(self) -> str:
        return (
            f"EnergyDrift(n_reference={self.n_reference}, n_features={self.n_features}, "
            f"p_val={self.p_val}, n_permutations={self.n_permutations})"
        )


class HotellingDrift(_Detector):
    """Hotelling's two-sample T^2 drift detector for a shift of the mean vector.

    Pooled covariance, F-distribution p-value (exact for Gaussian data), and a per-feature
    report: standardised mean differences and each feature's contribution to the squared
    Mahalanobis distance between the means (:meth:`HotellingDriftResult.to_frame`). Only
    the reference mean and scatter matrix are kept (and saved). A singular pooled
    covariance (a constant feature, or collinear features) raises ValueError: drop or
    combine those features.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from shiftguard.drift import HotellingDrift
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame(rng.normal(size=(400, 3)), columns=["age", "income", "score"])
    >>> cur = pd.DataFrame(rng.normal(size=(300, 3)), columns=ref.columns)
    >>> cur["income"] += 0.3
    >>> result = HotellingDrift(ref).predict(cur)
    >>> result.is_drift, result.top_features[0]
    (True, 'income')
    """

    def __init__(
        self, x_ref: Any, p_val: float = 0.05, *, feature_names: Sequence[str] | None = None
    ) -> None:
        self.p_val = check_p_val(p_val)
        array, frame_names = as_float_matrix(x_ref, "x_ref")
        self.feature_names = feature_names_for(array.shape[1], feature_names, frame_names)
        self._core_detector = _core.HotellingDetector(array, self.p_val)

    def predict(self, x: Any) -> HotellingDriftResult:
        """Test the batch ``x`` against the reference."""
        raw = self._core_detector.predict(_batch(x, self.n_features))
        return _hotelling_result(raw, self.feature_names)

    def save(self, path: str | pathlib.Path) -> None:
        """Write the reference moments to ``path``."""
        pathlib.Path(path).write_bytes(self._core_detector.save())

    @classmethod
    def load(
        cls, path: str | pathlib.Path, feature_names: Sequence[str] | None = None
    ) -> HotellingDrift:
        """Read a detector written by :meth:`save`."""
        self = cls.__new__(cls)
        self._core_detector = _core.HotellingDetector.load(pathlib.Path(path).read_bytes())
        self.p_val = float(self._core_detector.p_val)
        self.feature_names = feature_names_for(self.n_features, feature_names, None)
        return self

    def __repr__(self) -> str:
        return (
            f"HotellingDrift(n_reference={self.n_reference}, n_features={self.n_features}, "
            f"p_val={self.p_val})"
        )
