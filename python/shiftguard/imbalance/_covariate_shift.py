"""Covariate-shift importance weights w(x) = p_current(x) / p_reference(x).

When the inputs shift but p(y | x) does not, weighting the labelled reference sample by
w(x) makes it stand for the current distribution (importance-weighted training and
evaluation). :class:`CovariateShiftWeights` estimates w on the reference rows:

- ``method="classifier"``: a probabilistic classifier separates reference (label 0) from
  current (label 1) rows and ``w(x) = (n_ref / n_cur) * p / (1 - p)``. ``classifier=None``
  uses shiftguard's L2-regularised logistic regression (C++, Newton's method; the objective
  of scikit-learn's ``LogisticRegression(C=C)``); any scikit-learn-like estimator with
  ``predict_proba`` is accepted. With ``n_folds >= 2`` the reference weights are
  cross-fitted (each row weighted by a model that did not see it).
- ``method="ulsif"``: unconstrained least-squares importance fitting (Kanamori, Hido and
  Sugiyama 2009) with Gaussian kernels on ``n_centers`` current rows (seeded), kernel width
  and ridge chosen on a grid by the closed-form leave-one-out score.

Post-processing rules, in this order: clip the raw reference weights at
``min(max_weight, quantile clip_quantile of the raw weights)``; then (``normalize=True``)
scale them to mean 1 over the reference sample. ``weights(X)`` applies the same clip value
and scale to new rows. The effective sample size ``ess_ = (sum w)^2 / sum w^2`` tells how
many unweighted samples the weighted reference is worth; below ``min_ess_fraction`` of the
reference size a :class:`LowEffectiveSampleSizeWarning` says that reweighting cannot help
much.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _core
from .._validation import as_float_matrix, check_n_threads

__all__ = ["CovariateShiftWeights", "LowEffectiveSampleSizeWarning", "effective_sample_size"]

_PARAMS = (
    "method",
    "classifier",
    "C",
    "n_folds",
    "n_centers",
    "sigmas",
    "lambdas",
    "max_weight",
    "clip_quantile",
    "normalize",
    "min_ess_fraction",
    "seed",
    "n_threads",
)


class LowEffectiveSampleSizeWarning(UserWarning):
    """The weighted reference sample is worth few unweighted samples."""


def effective_sample_size(weights: Any) -> float:
    """Effective sample size ``(sum w)^2 / sum w^2`` of non-negative weights.

    Examples
    --------
    >>> from shiftguard.imbalance import effective_sample_size
    >>> effective_sample_size([1.0, 1.0, 1.0, 1.0])
    4.0
    >>> effective_sample_size([4.0, 0.0, 0.0, 0.0])
    1.0
    """
    values = np.asarray(weights, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"weights must be 1-D, got shape {values.shape}")
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0)))
    if bad.size:
        raise ValueError(
            f"weights must be finite and >= 0, got {values[bad[0]]} at position {bad[0]}"
        )
    return float(_core.effective_sample_size(values))


def _check_positive(value: Any, name: str, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number > 0, got {value!r}")
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def _check_int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def _check_grid(values: Any, name: str) -> list[float]:
    if values is None:
        return []
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers, got {values!r}")
    if not np.all(np.isfinite(array) & (array > 0)):
        raise ValueError(f"{name} must be finite and > 0, got {array.tolist()}")
    return array.tolist()


def _as_rows(X: Any, name: str) -> np.ndarray:
    """A 2-D float array of at least one row (DataFrames and nested lists accepted)."""
    try:
        import pandas as pd

        if isinstance(X, pd.DataFrame):
            X = X.to_numpy(dtype=np.float64, na_value=np.nan)
    except ImportError:  # pragma: no cover
        pass
    array = np.asarray(X)
    if array.dtype == object or array.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] < 1:
        raise ValueError(f"{name} must be 2-D with at least one row, got shape {array.shape}")
    return array if array.dtype.kind == "f" else array.astype(np.float64)


class CovariateShiftWeights:
    """Importance weights p_current(x) / p_reference(x) for the reference sample.

    Parameters
    ----------
    method : {"classifier", "ulsif"}, default "classifier"
        Probabilistic-classifier density ratio or uLSIF.
    classifier : estimator or None
        ``method="classifier"`` only. None: shiftguard's logistic regression (C++); else a
        scikit-learn-like estimator with ``fit(X, y)`` and ``predict_proba(X)`` (cloned
        before fitting). Its probabilities are clipped to ``[1e-12, 1 - 1e-12]`` before
        ``p / (1 - p)``.
    C : float, default 1.0
        Inverse L2 regularisation of the built-in logistic regression (scikit-learn's C).
    n_folds : int, default 5
        Cross-fitting folds for the reference weights of the classifier method (1: weights
        from the model fitted on all rows, in-sample).
    n_centers : int, default 100
        uLSIF kernel centres, drawn from the current sample with ``seed``.
    sigmas, lambdas : sequence of float or None
        uLSIF grids. Default widths: the median distance between centres times
        (1/4, 1/2, 1, 2, 4); default ridges: (1e-3, 1e-2, 1e-1, 1, 10).
    max_weight : float or None
        Clip raw weights above this value.
    clip_quantile : float in (0, 1] or None
        Also clip raw weights above this quantile of the raw reference weights.
    normalize : bool, default True
        Scale the (clipped) reference weights to mean 1.
    min_ess_fraction : float, default 0.1
        Warn (:class:`LowEffectiveSampleSizeWarning`) when ``ess_fraction_`` is below it.
    seed : int, default 0
        Folds and centres.
    n_threads : int or None
        Threads of the C++ parts (None: all cores); results do not depend on it.

    Attributes
    ----------
    weights_ : ndarray of shape (n_ref,)
        Post-processed weights of the reference rows.
    raw_weights_ : ndarray of shape (n_ref,)
        Density-ratio estimates before clipping and scaling.
    ess_, ess_fraction_ : float
        Effective sample size of ``weights_`` and its fraction of ``n_ref``.
    clip_value_, scale_ : float
        The clip threshold (inf when none) and the normalising factor applied.
    n_clipped_ : int
        Reference weights that were clipped.
    coef_, intercept_ : built-in classifier's coefficients (fitted on all rows).
    estimator_ : the fitted copy of ``classifier`` (user classifier only).
    sigma_, lambda_, centers_, alpha_, loo_scores_ : the fitted uLSIF model.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import CovariateShiftWeights
    >>> rng = np.random.default_rng(0)
    >>> x_ref = rng.normal(0.0, 1.0, size=(2000, 2))
    >>> x_cur = rng.normal(0.5, 1.0, size=(2000, 2))
    >>> model = CovariateShiftWeights().fit(x_ref, x_cur)
    >>> round(float(model.weights_.mean()), 6)
    1.0
    >>> bool(model.weights([[2.0, 2.0]])[0] > model.weights([[-2.0, -2.0]])[0])
    True
    >>> 0.5 < model.ess_fraction_ < 1.0
    True
    """

    def __init__(
        self,
        method: str = "classifier",
        classifier: Any = None,
        C: float = 1.0,
        n_folds: int = 5,
        n_centers: int = 100,
        sigmas: Sequence[float] | None = None,
        lambdas: Sequence[float] | None = None,
        max_weight: float | None = None,
        clip_quantile: float | None = None,
        normalize: bool = True,
        min_ess_fraction: float = 0.1,
        seed: int = 0,
        n_threads: int | None = None,
    ) -> None:
        self.method = method
        self.classifier = classifier
        self.C = C
        self.n_folds = n_folds
        self.n_centers = n_centers
        self.sigmas = sigmas
        self.lambdas = lambdas
        self.max_weight = max_weight
        self.clip_quantile = clip_quantile
        self.normalize = normalize
        self.min_ess_fraction = min_ess_fraction
        self.seed = seed
        self.n_threads = n_threads

    # scikit-learn's parameter protocol, without depending on scikit-learn
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> CovariateShiftWeights:
        for name, value in params.items():
            if name not in _PARAMS:
                raise ValueError(f"unknown parameter {name!r} of CovariateShiftWeights")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = {
            name: value
            for name, value in self.get_params().items()
            if value is not type(self)().get_params()[name]
            and value != type(self)().get_params()[name]
        }
        inside = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"CovariateShiftWeights({inside})"

    # ----------------------------------------------------------------------- fitting

    def fit(self, X_ref: Any, X_cur: Any) -> CovariateShiftWeights:
        """Estimate the weights of the reference rows ``X_ref`` towards ``X_cur``.

        Both are arrays or DataFrames of shape (n, n_features); non-finite values are an
        error (ValueError naming the row and column). Returns self.
        """
        if self.method not in ("classifier", "ulsif"):
            raise ValueError(f"method must be 'classifier' or 'ulsif', got {self.method!r}")
        if self.classifier is not None and self.method != "classifier":
            raise ValueError("classifier= is used by method='classifier' only")
        x_ref, names_ref = as_float_matrix(X_ref, "X_ref")
        x_cur, _ = as_float_matrix(X_cur, "X_cur", dtype=x_ref.dtype)
        if x_cur.shape[1] != x_ref.shape[1]:
            raise ValueError(
                f"X_cur has {x_cur.shape[1]} features (columns) but X_ref has {x_ref.shape[1]}"
            )
        for array, name in ((x_ref, "X_ref"), (x_cur, "X_cur")):
            bad = np.argwhere(~np.isfinite(array))
            if bad.size:
                row, col = (int(v) for v in bad[0])
                kind = "NaN" if np.isnan(array[row, col]) else "an infinite value"
                raise ValueError(f"{name} contains {kind} at row {row}, column {col}")
        max_weight = _check_positive(self.max_weight, "max_weight", allow_none=True)
        clip_quantile = 1.0 if self.clip_quantile is None else float(self.clip_quantile)
        if not 0.0 < clip_quantile <= 1.0:
            raise ValueError(f"clip_quantile must be in (0, 1], got {self.clip_quantile}")
        seed = _check_int(self.seed, "seed", 0)
        threads = check_n_threads(self.n_threads)
        min_ess = float(self.min_ess_fraction)
        if not 0.0 <= min_ess <= 1.0:
            raise ValueError(f"min_ess_fraction must be in [0, 1], got {self.min_ess_fraction}")

        self.n_features_in_ = x_ref.shape[1]
        if names_ref is not None:
            self.feature_names_in_ = np.asarray(names_ref, dtype=object)
        if self.method == "ulsif":
            n_centers = _check_int(self.n_centers, "n_centers", 1)
            raw = _core.ulsif(
                x_ref, x_cur, n_centers, _check_grid(self.sigmas, "sigmas"),
                _check_grid(self.lambdas, "lambdas"), seed, threads,
            )
            self.centers_ = raw["centers"]
            self.center_rows_ = raw["center_rows"]
            self.alpha_ = raw["alpha"]
            self.sigma_ = float(raw["sigma"])
            self.lambda_ = float(raw["lambda"])
            self.sigmas_ = np.asarray(raw["sigmas"])
            self.lambdas_ = np.asarray(raw["lambdas"])
            self.loo_scores_ = raw["loo_scores"]
            raw_weights = raw["weights"]
        elif self.classifier is None:
            C = _check_positive(self.C, "C")
            n_folds = _check_int(self.n_folds, "n_folds", 1)
            raw = _core.classifier_density_ratio(x_ref, x_cur, C, n_folds, seed, 1e-10, 100,
                                                 threads)
            self.coef_ = raw["coef"]
            self.intercept_ = float(raw["intercept"])
            self.prior_ratio_ = float(raw["prior_ratio"])
            self.fold_ = raw["fold"]
            self.converged_ = bool(raw["converged"])
            raw_weights = raw["weights"]
        else:
            raw_weights = self._fit_user_classifier(x_ref, x_cur, seed)

        processed = _core.postprocess_weights(
            np.asarray(raw_weights, dtype=np.float64),
            np.inf if max_weight is None else max_weight, clip_quantile, bool(self.normalize),
        )
        self.raw_weights_ = np.asarray(raw_weights, dtype=np.float64)
        self.weights_ = processed["weights"]
        self.clip_value_ = float(processed["clip_value"])
        self.scale_ = float(processed["scale"])
        self.n_clipped_ = int(processed["n_clipped"])
        self.ess_ = float(processed["ess"])
        self.ess_fraction_ = float(processed["ess_fraction"])
        if self.ess_fraction_ < min_ess:
            warnings.warn(
                f"the effective sample size of the weighted reference is {self.ess_:.1f} of "
                f"{x_ref.shape[0]} rows ({self.ess_fraction_:.1%} < min_ess_fraction "
                f"{min_ess:.1%}): the distributions barely overlap and reweighting cannot "
                "help much",
                LowEffectiveSampleSizeWarning,
                stacklevel=2,
            )
        return self

    def _clone_classifier(self) -> Any:
        try:
            from sklearn.base import clone

            return clone(self.classifier)
        except (ImportError, TypeError):
            return copy.deepcopy(self.classifier)

    def _user_ratio(self, estimator: Any, x: np.ndarray, prior: float) -> np.ndarray:
        proba = np.asarray(estimator.predict_proba(x), dtype=np.float64)
        classes = list(getattr(estimator, "classes_", [0, 1]))
        column = classes.index(1) if 1 in classes else proba.shape[1] - 1
        p = np.clip(proba[:, column], 1e-12, 1.0 - 1e-12)
        return prior * p / (1.0 - p)

    def _fit_user_classifier(self, x_ref: np.ndarray, x_cur: np.ndarray, seed: int) -> np.ndarray:
        if not (hasattr(self.classifier, "fit") and hasattr(self.classifier, "predict_proba")):
            raise TypeError(
                "classifier must have fit(X, y) and predict_proba(X) methods, got "
                f"{type(self.classifier).__name__}"
            )
        n_folds = _check_int(self.n_folds, "n_folds", 1)
        n_ref, n_cur = x_ref.shape[0], x_cur.shape[0]
        if n_folds > min(n_ref, n_cur):
            raise ValueError(
                f"n_folds must be in [1, min(n_ref, n_cur)] = [1, {min(n_ref, n_cur)}], "
                f"got {n_folds}"
            )

        def fit_on(ref_rows: np.ndarray, cur_rows: np.ndarray) -> Any:
            estimator = self._clone_classifier()
            x = np.concatenate([x_ref[ref_rows], x_cur[cur_rows]])
            y = np.concatenate([np.zeros(ref_rows.size, int), np.ones(cur_rows.size, int)])
            estimator.fit(x, y)
            return estimator

        all_ref, all_cur = np.arange(n_ref), np.arange(n_cur)
        self.estimator_ = fit_on(all_ref, all_cur)
        self.prior_ratio_ = n_ref / n_cur
        if n_folds == 1:
            self.fold_ = np.zeros(n_ref, dtype=np.int64)
            return self._user_ratio(self.estimator_, x_ref, self.prior_ratio_)
        rng = np.random.default_rng(seed)
        fold_ref = np.empty(n_ref, dtype=np.int64)
        fold_ref[rng.permutation(n_ref)] = np.arange(n_ref) % n_folds
        fold_cur = np.empty(n_cur, dtype=np.int64)
        fold_cur[rng.permutation(n_cur)] = np.arange(n_cur) % n_folds
        weights = np.empty(n_ref)
        for fold in range(n_folds):
            train_ref = np.flatnonzero(fold_ref != fold)
            train_cur = np.flatnonzero(fold_cur != fold)
            test_ref = np.flatnonzero(fold_ref == fold)
            estimator = fit_on(train_ref, train_cur)
            weights[test_ref] = self._user_ratio(
                estimator, x_ref[test_ref], train_ref.size / train_cur.size
            )
        self.fold_ = fold_ref
        return weights

    # ----------------------------------------------------------------------- applying

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise ValueError("this CovariateShiftWeights is not fitted yet; call fit() first")

    def raw_ratio(self, X: Any) -> np.ndarray:
        """Density-ratio estimate of new rows before clipping and scaling (model fitted on
        all rows)."""
        self._check_fitted()
        x = _as_rows(X, "X")
        if x.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {x.shape[1]} features (columns) but the weights were fitted on "
                f"{self.n_features_in_}"
            )
        if not np.all(np.isfinite(x)):
            row, col = (int(v) for v in np.argwhere(~np.isfinite(x))[0])
            raise ValueError(f"X contains a non-finite value at row {row}, column {col}")
        if self.method == "ulsif":
            return _core.ulsif_ratio(x, self.centers_, self.alpha_, self.sigma_)
        if self.classifier is None:
            return _core.logistic_ratio(x, self.coef_, self.intercept_, self.prior_ratio_)
        return self._user_ratio(self.estimator_, x, self.prior_ratio_)

    def weights(self, X: Any) -> np.ndarray:
        """Importance weights of new rows: the raw ratio with the fitted clip value and scale
        applied (so ``weights(X_ref)`` equals ``weights_`` when ``n_folds=1``)."""
        return np.minimum(self.raw_ratio(X), self.clip_value_) * self.scale_
