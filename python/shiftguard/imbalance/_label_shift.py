"""Label shift (prior shift): estimate the class priors of unlabeled deployment data from a
classifier's outputs, correct its probabilities to new priors, and weight samples for
retraining.

Label shift means the class proportions change between the data a classifier was validated
on (source, priors p(y)) and the data it is deployed on (target, priors q(y)), while the
class-conditional distributions p(x | y) stay the same. Three estimators:

- ``"bbse"``: black-box shift estimation (Lipton, Wang and Smola, ICML 2018). The joint
  confusion matrix ``C[i, j] = P(prediction = i, y = j)`` of argmax predictions on held-out
  labelled data and the mean prediction ``mu`` on the target data satisfy ``C w = mu`` with
  ``w = q / p``. The solution is clipped at 0 and ``q = w * p`` renormalised to sum 1; the
  reported ``weights`` are ``q / p`` after that step.
- ``"bbse-soft"``: the same with predicted probabilities instead of argmax counts.
- ``"em"``: the EM maximum-likelihood prior adjustment of Saerens, Latinne and
  Decaestecker (2002), from the source priors (class frequencies of ``y_val``, or given) and
  the target probabilities. Assumes calibrated probabilities.

A confidence interval for the target priors comes from the percentile bootstrap
(``n_bootstrap`` replicates resampling held-out and target rows with replacement; EM with
given ``source_priors`` resamples the target rows only), computed in parallel in C++ with
one random stream per replicate, so a given ``seed`` gives the same interval whatever the
number of threads.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from .._validation import check_n_threads

__all__ = [
    "LabelShiftResult",
    "LabelShiftWarning",
    "adjust_probabilities",
    "estimate_label_shift",
    "label_shift_weights",
]

_METHODS = ("bbse", "bbse-soft", "em")


class LabelShiftWarning(UserWarning):
    """The label-shift estimate is unreliable (ill-conditioned confusion matrix, EM not
    converged)."""


# --------------------------------------------------------------------------- checks


def _check_labels(y: Any, name: str) -> np.ndarray:
    try:
        import pandas as pd

        if isinstance(y, (pd.Series, pd.Index)):
            y = y.to_numpy()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be a 1-D array of labels, got {type(y).__name__}")
    array = np.asarray(y)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {array.ndim}-D array of shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must hold at least one label, got 0")
    kind = array.dtype.kind
    if kind == "O":
        if not all(isinstance(v, (str, int, np.integer)) for v in array):
            bad = next(v for v in array if not isinstance(v, (str, int, np.integer)))
            raise TypeError(f"{name} labels must be integers or strings, got {bad!r}")
    elif kind not in "iubUS":
        raise TypeError(
            f"{name} labels must be integers or strings, got dtype {array.dtype}"
        )
    return array


def _check_proba(proba: Any, name: str) -> np.ndarray:
    try:
        import pandas as pd

        if isinstance(proba, pd.DataFrame):
            proba = proba.to_numpy(dtype=np.float64)
    except ImportError:  # pragma: no cover
        pass
    array = np.asarray(proba)
    if array.dtype == object or array.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold probabilities (numbers), got dtype {array.dtype}")
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (samples x classes), got {array.ndim}-D array of shape "
            f"{array.shape}"
        )
    if array.shape[0] < 1:
        raise ValueError(f"{name} must have at least one row, got 0")
    return np.asarray(array, dtype=np.float64)


def _check_priors(priors: Any, name: str, n_classes: int) -> np.ndarray:
    array = np.asarray(priors, dtype=np.float64)
    if array.ndim != 1 or array.size != n_classes:
        raise ValueError(f"{name} must hold {n_classes} values (one per class), got shape "
                         f"{array.shape}")
    return array


def _check_int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def _encode(y: np.ndarray, classes: np.ndarray, name: str) -> np.ndarray:
    position = {label: k for k, label in enumerate(classes.tolist())}
    try:
        return np.fromiter((position[label] for label in y.tolist()), dtype=np.int64,
                           count=y.size)
    except KeyError as missing:
        raise ValueError(
            f"{name} contains the label {missing.args[0]!r}, which is not one of the classes "
            f"{classes.tolist()}"
        ) from None


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class LabelShiftResult:
    """Estimated target priors and importance weights (see :func:`estimate_label_shift`)."""

    method: str
    """"bbse", "bbse-soft" or "em"."""
    classes: np.ndarray
    """Class labels, in the order of the probability columns."""
    source_priors: np.ndarray
    """p(y): class frequencies of ``y_val`` (or the given source priors)."""
    priors: np.ndarray
    """q(y): estimated target priors, non-negative, summing to 1."""
    weights: np.ndarray
    """q(y) / p(y) per class."""
    raw_weights: np.ndarray = field(repr=False)
    """BBSE: solution of C w = mu before clipping negatives; EM: equal to ``weights``."""
    ci: np.ndarray | None
    """Bootstrap percentile interval of the priors, shape (n_classes, 2); None without
    bootstrap."""
    confidence_level: float
    condition_number: float
    """2-norm condition number of the confusion matrix (BBSE; NaN for EM)."""
    ill_conditioned: bool
    converged: bool
    """EM converged within ``max_iter`` (always True for BBSE)."""
    n_iter: int
    confusion_matrix: np.ndarray | None = field(repr=False)
    """BBSE joint confusion matrix C[i, j] = P(prediction = i, y = j); None for EM."""
    n_bootstrap: int = 0
    n_bootstrap_failed: int = 0
    """Bootstrap replicates left out (singular confusion matrix, or a class absent)."""
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values (lists, floats), ready for JSON."""
        return {
            "method": self.method,
            "classes": self.classes.tolist(),
            "source_priors": self.source_priors.tolist(),
            "priors": self.priors.tolist(),
            "weights": self.weights.tolist(),
            "raw_weights": self.raw_weights.tolist(),
            "ci": None if self.ci is None else self.ci.tolist(),
            "confidence_level": self.confidence_level,
            "condition_number": self.condition_number,
            "ill_conditioned": self.ill_conditioned,
            "converged": self.converged,
            "n_iter": self.n_iter,
            "n_bootstrap": self.n_bootstrap,
            "n_bootstrap_failed": self.n_bootstrap_failed,
            "warnings": list(self.warnings),
        }

    def to_frame(self):
        """One row per class: source prior, target prior, weight and interval."""
        import pandas as pd

        data = {
            "source_prior": self.source_priors,
            "target_prior": self.priors,
            "weight": self.weights,
        }
        if self.ci is not None:
            data["ci_lower"] = self.ci[:, 0]
            data["ci_upper"] = self.ci[:, 1]
        return pd.DataFrame(data, index=pd.Index(self.classes, name="class"))

    def _repr_html_(self) -> str:
        header = "".join(
            f"<th>{html.escape(h)}</th>"
            for h in ["class", "source prior", "target prior", "weight"]
            + (["ci"] if self.ci is not None else [])
        )
        rows = []
        for k, label in enumerate(self.classes.tolist()):
            cells = [html.escape(str(label)), f"{self.source_priors[k]:.4g}",
                     f"{self.priors[k]:.4g}", f"{self.weights[k]:.4g}"]
            if self.ci is not None:
                cells.append(f"[{self.ci[k, 0]:.4g}, {self.ci[k, 1]:.4g}]")
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        notes = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        status = (
            f"condition number {self.condition_number:.4g}" if self.method != "em"
            else f"{'converged' if self.converged else 'NOT converged'} in {self.n_iter} "
            "iterations"
        )
        return (
            f"<div><strong>Label shift ({html.escape(self.method)})</strong>: "
            f"{html.escape(status)}<table><thead><tr>{header}</tr></thead><tbody>"
            f"{''.join(rows)}</tbody></table>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


# --------------------------------------------------------------------------- functions


def estimate_label_shift(
    y_val: Any,
    proba_val: Any,
    proba_target: Any,
    method: str = "bbse",
    *,
    classes: Sequence[Any] | None = None,
    source_priors: Any = None,
    n_bootstrap: int = 0,
    confidence_level: float = 0.95,
    max_condition: float = 1e3,
    tol: float = 1e-8,
    max_iter: int = 1000,
    seed: int = 0,
    n_threads: int | None = None,
) -> LabelShiftResult:
    """Estimate the class priors of unlabeled target data and the weights q(y) / p(y).

    Parameters
    ----------
    y_val : array-like of shape (n_val,)
        True labels of held-out source data (integers or strings), not used to train the
        classifier.
    proba_val : array-like of shape (n_val, n_classes)
        The classifier's predicted probabilities on that held-out data.
    proba_target : array-like of shape (n_target, n_classes)
        Its predicted probabilities on the unlabeled target data.
    method : {"bbse", "bbse-soft", "em"}
        BBSE with argmax predictions, BBSE with probabilities, or Saerens et al.'s EM.
    classes : sequence, optional
        Labels of the probability columns (e.g. ``classifier.classes_``). Default: the sorted
        distinct labels of ``y_val``, which must then number ``n_classes``.
    source_priors : array-like of shape (n_classes,), optional
        EM only: known source priors (default: class frequencies of ``y_val``).
    n_bootstrap : int, default 0
        Bootstrap replicates for the percentile confidence interval (0: no interval).
    confidence_level : float, default 0.95
        Two-sided level of the interval.
    max_condition : float, default 1000
        BBSE: a confusion matrix with a larger condition number sets ``ill_conditioned`` and
        raises a :class:`LabelShiftWarning`.
    tol, max_iter : float, int
        EM stopping rule: no prior moves more than ``tol`` in an iteration, or ``max_iter``
        iterations (then ``converged`` is False and a :class:`LabelShiftWarning` is raised).
    seed : int, default 0
        Seed of the bootstrap.
    n_threads : int or None
        Threads for the bootstrap (None: all cores); the result does not depend on it.

    Returns
    -------
    LabelShiftResult

    Raises
    ------
    ValueError
        Singular confusion matrix (a class never predicted on, or absent from, the held-out
        data), probabilities that are not probabilities, mismatched shapes, unknown labels.
    TypeError
        Labels that are neither integers nor strings.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import estimate_label_shift
    >>> rng = np.random.default_rng(0)
    >>> def proba(y):  # a classifier right 80% of the time, calibrated
    ...     p = np.full((y.size, 2), 0.2); p[np.arange(y.size), y] = 0.8; return p
    >>> y_val = rng.integers(0, 2, 4000)                      # source priors (0.5, 0.5)
    >>> y_target = (rng.random(4000) < 0.8).astype(int)       # target priors (0.2, 0.8)
    >>> flip = lambda y: np.where(rng.random(y.size) < 0.8, y, 1 - y)
    >>> result = estimate_label_shift(y_val, proba(flip(y_val)), proba(flip(y_target)))
    >>> np.round(result.priors, 1)
    array([0.2, 0.8])
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, _METHODS))}, "
                         f"got {method!r}")
    y = _check_labels(y_val, "y_val")
    p_val = _check_proba(proba_val, "proba_val")
    p_target = _check_proba(proba_target, "proba_target")
    if p_val.shape[0] != y.size:
        raise ValueError(f"y_val has {y.size} labels but proba_val has {p_val.shape[0]} rows")
    if p_target.shape[1] != p_val.shape[1]:
        raise ValueError(
            f"proba_target has {p_target.shape[1]} columns (classes) but proba_val has "
            f"{p_val.shape[1]}"
        )
    if classes is None:
        class_array = np.unique(y)
        if class_array.size != p_val.shape[1]:
            raise ValueError(
                f"y_val has {class_array.size} distinct labels but proba_val has "
                f"{p_val.shape[1]} columns; pass classes= (e.g. classifier.classes_)"
            )
    else:
        class_array = np.asarray(classes)
        if class_array.ndim != 1 or class_array.size != p_val.shape[1]:
            raise ValueError(
                f"classes must list {p_val.shape[1]} labels (one per column of proba_val), "
                f"got {class_array.size}"
            )
        if np.unique(class_array).size != class_array.size:
            raise ValueError(f"classes must be distinct, got {class_array.tolist()}")
    encoded = _encode(y, class_array, "y_val")
    n_bootstrap = _check_int(n_bootstrap, "n_bootstrap", 0)
    max_iter = _check_int(max_iter, "max_iter", 1)
    seed = _check_int(seed, "seed", 0)
    threads = check_n_threads(n_threads)
    if source_priors is not None:
        if method != "em":
            raise ValueError("source_priors is used by method='em' only; BBSE takes the source "
                             "priors from y_val")
        raw = _core.em_prior_adjustment(
            _check_priors(source_priors, "source_priors", p_val.shape[1]), p_target,
            n_bootstrap, float(confidence_level), seed, threads, float(tol), max_iter,
        )
    else:
        raw = _core.estimate_label_shift(
            encoded, p_val, p_target, method, float(max_condition), n_bootstrap,
            float(confidence_level), seed, threads, float(tol), max_iter,
        )
    ci = None
    if n_bootstrap > 0:
        ci = np.column_stack([raw["ci_lower"], raw["ci_upper"]])
    result = LabelShiftResult(
        method=method,
        classes=class_array,
        source_priors=raw["source_priors"],
        priors=raw["target_priors"],
        weights=raw["weights"],
        raw_weights=raw["raw_weights"],
        ci=ci,
        confidence_level=float(raw["confidence_level"]),
        condition_number=float(raw["condition_number"]),
        ill_conditioned=bool(raw["ill_conditioned"]),
        converged=bool(raw["converged"]),
        n_iter=int(raw["n_iter"]),
        confusion_matrix=None if method == "em" else raw["confusion"],
        n_bootstrap=int(raw["n_bootstrap"]),
        n_bootstrap_failed=int(raw["n_bootstrap_failed"]),
        warnings=tuple(raw["warnings"]),
    )
    if result.ill_conditioned or not result.converged:
        for message in result.warnings:
            if "ill-conditioned" in message or "did not converge" in message:
                warnings.warn(message, LabelShiftWarning, stacklevel=2)
    return result


def adjust_probabilities(proba: Any, source_priors: Any, target_priors: Any) -> np.ndarray:
    """Correct predicted probabilities to new class priors.

    ``p'(y | x)`` is proportional to ``p(y | x) * q(y) / p(y)``, each row renormalised to sum
    1 (Saerens et al. 2002, eq. 2.4).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Probabilities of a classifier trained under ``source_priors``.
    source_priors, target_priors : array-like of shape (n_classes,)
        p(y) (each > 0) and q(y) (each >= 0), e.g. ``result.source_priors`` and
        ``result.priors`` of :func:`estimate_label_shift`.

    Returns
    -------
    numpy.ndarray of float64, shape (n_samples, n_classes)

    Examples
    --------
    >>> from shiftguard.imbalance import adjust_probabilities
    >>> adjust_probabilities([[0.5, 0.5], [0.9, 0.1]], [0.5, 0.5], [0.2, 0.8])
    array([[0.2       , 0.8       ],
           [0.69230769, 0.30769231]])
    """
    p = _check_proba(proba, "proba")
    source = _check_priors(source_priors, "source_priors", p.shape[1])
    target = _check_priors(target_priors, "target_priors", p.shape[1])
    return _core.adjust_probabilities(p, source, target)


def label_shift_weights(y: Any, weights: Any, classes: Sequence[Any] | None = None) -> np.ndarray:
    """Per-sample importance weights ``w[y_i]`` for retraining on the target priors.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels of the (source) training samples.
    weights : LabelShiftResult or array-like of shape (n_classes,)
        A result of :func:`estimate_label_shift` (its ``weights`` and ``classes`` are used)
        or class weights, each finite and >= 0, in the order of ``classes``.
    classes : sequence, optional
        Labels of the weights (default: the result's classes, else the sorted distinct labels
        of ``y``).

    Returns
    -------
    numpy.ndarray of float64, shape (n_samples,)

    Examples
    --------
    >>> from shiftguard.imbalance import label_shift_weights
    >>> label_shift_weights(["a", "b", "b", "a"], [0.4, 1.6])
    array([0.4, 1.6, 1.6, 0.4])
    """
    labels = _check_labels(y, "y")
    if isinstance(weights, LabelShiftResult):
        if classes is None:
            classes = weights.classes
        weights = weights.weights
    values = np.asarray(weights, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"weights must be 1-D (one per class), got shape {values.shape}")
    class_array = np.unique(labels) if classes is None else np.asarray(classes)
    if class_array.size != values.size:
        raise ValueError(
            f"weights has {values.size} values but there are {class_array.size} classes "
            f"{class_array.tolist()}"
        )
    return _core.label_shift_weights(_encode(labels, class_array, "y"), values)
