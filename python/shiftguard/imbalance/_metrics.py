"""Metrics that tell the truth on imbalanced data.

Signatures and results follow scikit-learn (``sklearn.metrics``) and, for
``geometric_mean_score``, imbalanced-learn, so code can switch by changing the import. The
counting and the ranking (one radix sort per class, ties handled as scikit-learn: tied scores
form one threshold) run in C++ (``include/shiftguard/imbalance/metrics.hpp``).

Undefined ratios: with ``zero_division='warn'`` (the default, as in scikit-learn) a
precision with no predicted sample, a recall with no true sample or an F-score with neither
is 0 and an :class:`UndefinedMetricWarning` names the metric; ``zero_division`` 0.0, 1.0 or
``np.nan`` sets the value silently. ROC AUC with one class in ``y_true`` is NaN with a
warning, average precision without a positive sample is 0 with a warning (scikit-learn's
values).

Differences from scikit-learn: sample weights must be finite and non-negative (scikit-learn
accepts negative ones); ``roc_auc_score`` supports ``multi_class='ovr'`` but not ``'ovo'`` or
``max_fpr``; multilabel indicator targets are not accepted (labels are 1-D).
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from ._weights import _as_labels, _as_sample_weight, _check_same_kind, _encode, _unique_union

__all__ = [
    "ImbalanceReport",
    "UndefinedMetricWarning",
    "average_precision_score",
    "balanced_accuracy_score",
    "confusion_matrix",
    "f1_score",
    "geometric_mean_score",
    "imbalance_report",
    "matthews_corrcoef",
    "precision_recall_fscore_support",
    "roc_auc_score",
]


class UndefinedMetricWarning(UserWarning):
    """A metric is ill-defined on the given data (a class never predicted, never true, or
    only one class in ``y_true``) and took a conventional value."""


# --------------------------------------------------------------------------- helpers


def _pair(y_true: Any, y_pred: Any, sample_weight: Any, labels: Any = None):
    """Checked labels of both arrays, the sorted classes (union, plus ``labels``), codes and
    weights."""
    y_true = _as_labels(y_true, "y_true")
    y_pred = _as_labels(y_pred, "y_pred")
    if y_true.size != y_pred.size:
        raise ValueError(
            f"y_true and y_pred have different lengths ({y_true.size} and {y_pred.size})"
        )
    arrays = [(y_true, "y_true"), (y_pred, "y_pred")]
    given = None
    if labels is not None:
        given = _as_labels(labels, "labels")
        if np.unique(given).size != given.size:
            raise ValueError("labels must not contain duplicates")
        arrays.append((given, "labels"))
    _check_same_kind(arrays)
    classes = _unique_union(*[a for a, _ in arrays])
    true_codes = _encode(classes, y_true, "y_true")
    pred_codes = _encode(classes, y_pred, "y_pred")
    weights = _as_sample_weight(sample_weight, y_true.size)
    return y_true, y_pred, classes, true_codes, pred_codes, weights, given


def _confusion(true_codes, pred_codes, n_classes, weights) -> np.ndarray:
    return _core.imbalance_confusion_matrix(true_codes, pred_codes, n_classes, weights)


def _check_zero_division(zero_division: Any) -> tuple[float, bool]:
    """(value, warn)."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0, True
    elif isinstance(zero_division, (int, float, np.integer, np.floating)) and not isinstance(
        zero_division, bool
    ):
        value = float(zero_division)
        if value in (0.0, 1.0) or np.isnan(value):
            return value, False
    raise ValueError(f"zero_division must be 'warn', 0.0, 1.0 or np.nan, got {zero_division!r}")


def _type_of(classes: np.ndarray) -> str:
    return "binary" if classes.size <= 2 else "multiclass"


def _warn(message: str) -> None:
    warnings.warn(message, UndefinedMetricWarning, stacklevel=3)


# --------------------------------------------------------------------------- counting metrics


def confusion_matrix(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    sample_weight: Any = None,
    normalize: str | None = None,
) -> np.ndarray:
    """Confusion matrix: entry ``[i, j]`` counts samples of true class ``i`` predicted as ``j``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels (ints, strings or bools).
    labels : array-like, optional
        Classes (rows and columns) in this order; default: sorted labels of both arrays.
        Samples whose true or predicted label is not listed are left out (scikit-learn's rule).
    sample_weight : array-like of shape (n_samples,), optional
        Finite, non-negative weights; the matrix then holds sums of weights (float64).
    normalize : {'true', 'pred', 'all'}, optional
        Divide by row sums, column sums or the total (0 where a sum is 0).

    Returns
    -------
    numpy.ndarray of shape (n_classes, n_classes), int64 without weights or normalisation.

    Examples
    --------
    >>> from shiftguard.imbalance import confusion_matrix
    >>> confusion_matrix(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    array([[1, 1],
           [0, 2]])
    """
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(
            f"normalize must be one of 'true', 'pred', 'all' or None, got {normalize!r}"
        )
    y_true, y_pred, classes, true_codes, pred_codes, weights, given = _pair(
        y_true, y_pred, sample_weight, labels
    )
    if given is not None:
        if given.size == 0:
            raise ValueError("labels must not be empty")
        if not np.isin(y_true, given).any():
            raise ValueError("At least one label specified must be in y_true")
        position = np.full(classes.size, -1, dtype=np.int64)
        position[_encode(classes, given, "labels")] = np.arange(given.size)
        true_codes = position[true_codes]
        pred_codes = position[pred_codes]
        keep = (true_codes >= 0) & (pred_codes >= 0)
        if not keep.all():
            true_codes, pred_codes = true_codes[keep], pred_codes[keep]
            weights = None if weights is None else weights[keep]
        n_classes = given.size
    else:
        n_classes = classes.size
        if n_classes == 1:
            warnings.warn(
                "A single label was found in 'y_true' and 'y_pred'. For the confusion matrix "
                "to have the correct shape, use the 'labels' parameter to pass all known labels.",
                UserWarning,
                stacklevel=2,
            )
    matrix = _confusion(true_codes, pred_codes, n_classes, weights)
    if sample_weight is None or np.asarray(sample_weight).dtype.kind in "iub":
        if normalize is None:
            matrix = matrix.astype(np.int64)
    if normalize is not None:
        with np.errstate(all="ignore"):
            if normalize == "true":
                matrix = matrix / matrix.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                matrix = matrix / matrix.sum(axis=0, keepdims=True)
            else:
                matrix = matrix / matrix.sum()
        matrix = np.nan_to_num(matrix)
    return matrix


def balanced_accuracy_score(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, adjusted: bool = False
) -> float:
    """Mean recall over the classes present in ``y_true``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    sample_weight : array-like of shape (n_samples,), optional
    adjusted : bool, default False
        Rescale so that chance scores 0 and perfect prediction 1:
        ``(score - 1/K) / (1 - 1/K)``.

    Classes that occur only in ``y_pred`` are left out with an
    :class:`UndefinedMetricWarning` (scikit-learn's ``'y_pred contains classes not in y_true'``).

    Examples
    --------
    >>> from shiftguard.imbalance import balanced_accuracy_score
    >>> balanced_accuracy_score([0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 1])
    0.75
    """
    _, _, classes, true_codes, pred_codes, weights, _ = _pair(y_true, y_pred, sample_weight)
    score, only_predicted = _core.imbalance_balanced_accuracy(
        _confusion(true_codes, pred_codes, classes.size, weights), bool(adjusted)
    )
    if only_predicted:
        warnings.warn("y_pred contains classes not in y_true", UserWarning, stacklevel=2)
    return float(score)


def _set_wise_labels(classes, given, average, pos_label) -> tuple[np.ndarray | None, np.ndarray]:
    """Labels to score (None = all classes) following scikit-learn's rules."""
    options = (None, "micro", "macro", "weighted")
    if average not in options and average != "binary":
        raise ValueError(f"average has to be one of {options + ('binary',)}, got {average!r}")
    present = classes
    if average == "binary":
        if _type_of(present) == "binary":
            if pos_label not in present.tolist():
                if present.size >= 2:
                    raise ValueError(
                        f"pos_label={pos_label!r} is not a valid label. It should be one of "
                        f"{present.tolist()}"
                    )
            return np.asarray([pos_label]), classes
        raise ValueError(
            f"Target is multiclass but average='binary'. Please choose another average "
            f"setting, one of {list(options)}."
        )
    if pos_label not in (None, 1):
        warnings.warn(
            f"Note that pos_label (set to {pos_label!r}) is ignored when average != 'binary' "
            f"(got {average!r}). You may use labels=[pos_label] to specify a single positive "
            "class.",
            UserWarning,
            stacklevel=4,
        )
    return given, classes


def precision_recall_fscore_support(
    y_true: Any,
    y_pred: Any,
    *,
    beta: float = 1.0,
    labels: Any = None,
    pos_label: Any = 1,
    average: str | None = None,
    warn_for: tuple[str, ...] = ("precision", "recall", "f-score"),
    sample_weight: Any = None,
    zero_division: Any = "warn",
):
    """Precision, recall, F-beta and support for each class, or averaged.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    beta : float, default 1.0
        Weight of recall in the F-score.
    labels : array-like, optional
        Classes to report, in this order (default: all, sorted). Samples of other classes
        still count as negatives.
    pos_label : label, default 1
        The positive class when ``average='binary'``.
    average : {None, 'binary', 'micro', 'macro', 'weighted'}, default None
        None returns per-class arrays; 'binary' the positive class only; 'macro' the
        unweighted mean; 'weighted' the mean weighted by support; 'micro' from pooled counts.
    warn_for : tuple of str
        Which undefined metrics warn ('precision', 'recall', 'f-score').
    sample_weight : array-like of shape (n_samples,), optional
    zero_division : {'warn', 0.0, 1.0, np.nan}, default 'warn'
        Value of an undefined ratio; 'warn' means 0 with a warning.

    Returns
    -------
    precision, recall, fbeta_score, support
        Arrays of shape (n_labels,) when ``average`` is None; floats and ``support=None``
        otherwise.

    Examples
    --------
    >>> from shiftguard.imbalance import precision_recall_fscore_support
    >>> p, r, f, s = precision_recall_fscore_support([0, 0, 1, 1, 2], [0, 1, 1, 1, 2])
    >>> p.round(3), r, s
    (array([1.   , 0.667, 1.   ]), array([0.5, 1. , 1. ]), array([2, 2, 1]))
    """
    value, warn = _check_zero_division(zero_division)
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta must be a number >= 0, got {beta!r}")
    if beta < 0:
        raise ValueError(f"beta should be >=0 in the F-beta score, got {beta}")
    y_true = _as_labels(y_true, "y_true")
    y_pred = _as_labels(y_pred, "y_pred")
    _check_same_kind([(y_true, "y_true"), (y_pred, "y_pred")])
    present_classes = _unique_union(y_true, y_pred) if y_true.size == y_pred.size else None
    if present_classes is None:
        raise ValueError(
            f"y_true and y_pred have different lengths ({y_true.size} and {y_pred.size})"
        )
    given = None if labels is None else _as_labels(labels, "labels")
    selected, _ = _set_wise_labels(present_classes, given, average, pos_label)
    extra = selected if selected is not None else None
    _, _, classes, true_codes, pred_codes, weights, _ = _pair(
        y_true, y_pred, sample_weight, extra
    )
    codes = (
        [] if selected is None else _encode(classes, np.asarray(selected), "labels").tolist()
    )
    kind = "none" if average in (None, "binary") else average
    confusion = _confusion(true_codes, pred_codes, classes.size, weights)
    result = _core.imbalance_precision_recall_fscore(confusion, codes, float(beta), kind, value)
    if warn:
        _warn_undefined(result, average, warn_for)
    support = result["support"]
    if weights is None:
        support = support.astype(np.int64)
    if average is None:
        return result["precision"], result["recall"], result["f_score"], support
    if average == "binary":
        return (
            float(result["precision"][0]),
            float(result["recall"][0]),
            float(result["f_score"][0]),
            None,
        )
    return (
        float(result["average_precision"]),
        float(result["average_recall"]),
        float(result["average_f_score"]),
        None,
    )


def _warn_undefined(result: dict, average: Any, warn_for: tuple[str, ...]) -> None:
    scope = "in labels with" if average in (None, "binary", "macro", "weighted") else "due to"
    if average == "weighted" and result["average_undefined"]:
        for metric in ("precision", "recall", "f-score"):
            if metric in warn_for:
                _warn(f"{metric.capitalize()} is ill-defined and being set to 0.0 due to no "
                      "true samples. Use `zero_division` parameter to control this behavior.")
        return
    checks = (
        ("precision", "precision_undefined", "Precision", "no predicted samples"),
        ("recall", "recall_undefined", "Recall", "no true samples"),
        ("f-score", "f_score_undefined", "F-score", "no true nor predicted samples"),
    )
    for metric, key, title, reason in checks:
        if metric not in warn_for:
            continue
        if average == "micro":
            if result["average_undefined"] and result[key].all():
                _warn(f"{title} is ill-defined and being set to 0.0 due to {reason}. "
                      "Use `zero_division` parameter to control this behavior.")
        elif result[key].any():
            _warn(f"{title} is ill-defined and being set to 0.0 {scope} {reason}. "
                  "Use `zero_division` parameter to control this behavior.")


def f1_score(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: Any = None,
    zero_division: Any = "warn",
):
    """F1 score, the harmonic mean of precision and recall.

    Parameters as :func:`precision_recall_fscore_support` (``average`` defaults to
    ``'binary'`` as in scikit-learn). Returns a float, or an array when ``average`` is None.

    Examples
    --------
    >>> from shiftguard.imbalance import f1_score
    >>> round(f1_score([0, 0, 1, 1], [0, 1, 1, 1]), 4)
    0.8
    >>> round(f1_score(["a", "b", "c", "c"], ["a", "b", "b", "c"], average="macro"), 4)
    0.7778
    """
    _, _, f, _ = precision_recall_fscore_support(
        y_true,
        y_pred,
        beta=1.0,
        labels=labels,
        pos_label=pos_label,
        average=average,
        warn_for=("f-score",),
        sample_weight=sample_weight,
        zero_division=zero_division,
    )
    return f if average is None else float(f)


def matthews_corrcoef(y_true: Any, y_pred: Any, *, sample_weight: Any = None) -> float:
    """Matthews correlation coefficient (multiclass form, as scikit-learn computes it).

    1 is perfect prediction, 0 chance level (also returned when undefined, e.g. a single
    predicted class), -1 total disagreement in the binary case.

    Examples
    --------
    >>> from shiftguard.imbalance import matthews_corrcoef
    >>> round(matthews_corrcoef([1, 1, 1, 0], [1, 0, 1, 0]), 4)
    0.5774
    """
    _, _, classes, true_codes, pred_codes, weights, _ = _pair(y_true, y_pred, sample_weight)
    return float(
        _core.imbalance_matthews_corrcoef(_confusion(true_codes, pred_codes, classes.size, weights))
    )


def geometric_mean_score(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    pos_label: Any = 1,
    average: str = "multiclass",
    sample_weight: Any = None,
    correction: float = 0.0,
) -> float:
    """Geometric mean of the per-class recalls (imbalanced-learn's ``average='multiclass'``).

    A class that is never recalled (recall 0, including a class that appears only in
    ``y_pred``) makes the score 0 unless ``correction`` > 0 replaces such recalls.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like, optional
        Classes whose recalls enter the mean (default: all labels of both arrays).
    pos_label : label, default 1
        Accepted for imbalanced-learn compatibility; unused with ``average='multiclass'``.
    average : {'multiclass'}, default 'multiclass'
        The only supported mode.
    sample_weight : array-like of shape (n_samples,), optional
    correction : float, default 0.0
        Substitute for zero recalls.

    Examples
    --------
    >>> from shiftguard.imbalance import geometric_mean_score
    >>> round(geometric_mean_score([0, 0, 1, 1], [0, 1, 1, 1]), 4)
    0.7071
    """
    if average != "multiclass":
        raise ValueError(
            f"average must be 'multiclass' (the only supported mode), got {average!r}"
        )
    if isinstance(correction, bool) or not isinstance(
        correction, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"correction must be a number >= 0, got {correction!r}")
    _, _, classes, true_codes, pred_codes, weights, given = _pair(
        y_true, y_pred, sample_weight, labels
    )
    selected = [] if given is None else _encode(classes, given, "labels").tolist()
    confusion = _confusion(true_codes, pred_codes, classes.size, weights)
    if given is None:
        missing = confusion.sum(axis=1) == 0
    else:
        missing = confusion.sum(axis=1)[selected] == 0
    if missing.any():
        _warn("Recall is ill-defined and being set to 0.0 in labels with no true samples.")
    return float(_core.imbalance_geometric_mean(confusion, float(correction), selected))


# --------------------------------------------------------------------------- ranking metrics


def _as_scores(y_score: Any, n: int) -> np.ndarray:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(y_score, (pd.Series, pd.DataFrame)):
        y_score = y_score.to_numpy()
    array = np.asarray(y_score)
    if array.dtype.kind in "iub":
        array = array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(f"y_score must hold numbers, got dtype {array.dtype}")
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if array.ndim not in (1, 2):
        raise ValueError(f"y_score must be 1-D or 2-D, got {array.ndim}-D")
    if array.shape[0] != n:
        raise ValueError(f"y_score has {array.shape[0]} rows but y_true has {n} entries")
    if not np.isfinite(array).all():
        raise ValueError("y_score contains NaN or infinite values")
    return array


def _check_average(average: Any, allowed: tuple) -> str:
    if average not in allowed:
        raise ValueError(f"average must be one of {allowed}, got {average!r}")
    return "none" if average is None else average


def roc_auc_score(
    y_true: Any,
    y_score: Any,
    *,
    average: str | None = "macro",
    sample_weight: Any = None,
    max_fpr: float | None = None,
    multi_class: str = "raise",
    labels: Any = None,
):
    """Area under the ROC curve.

    Binary ``y_true``: ``y_score`` is 1-D, the score of the greater label. Multiclass:
    ``multi_class='ovr'`` and ``y_score`` of shape (n_samples, n_classes) holding
    probabilities (rows sum to 1), one column per class in sorted order (or ``labels``);
    each class is scored against the rest and averaged ('macro', 'weighted' by support, or
    None for the per-class array). Tied scores count as one threshold (half credit), as in
    scikit-learn.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
    average : {'macro', 'weighted', None}, default 'macro'
    sample_weight : array-like of shape (n_samples,), optional
    max_fpr : None
        Partial AUC is not supported; must be None.
    multi_class : {'raise', 'ovr'}, default 'raise'
    labels : array-like, optional
        Classes of the columns of ``y_score`` (multiclass only).

    Examples
    --------
    >>> from shiftguard.imbalance import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    if max_fpr is not None:
        raise ValueError("max_fpr (partial AUC) is not supported; use max_fpr=None")
    if multi_class not in ("raise", "ovr", "ovo"):
        raise ValueError(f"multi_class must be 'raise' or 'ovr', got {multi_class!r}")
    y_true = _as_labels(y_true, "y_true")
    scores = _as_scores(y_score, y_true.size)
    weights = _as_sample_weight(sample_weight, y_true.size)
    classes = _unique_union(y_true)
    if classes.size <= 2 and scores.ndim == 1:
        if classes.size < 2:
            _warn("Only one class is present in y_true. ROC AUC score is not defined in that "
                  "case.")
            return float("nan")
        codes = _encode(classes, y_true, "y_true")
        return float(_core.imbalance_ranking_binary("roc_auc", codes, 1, scores, weights))
    if scores.ndim == 1:
        raise ValueError(
            f"y_true has {classes.size} classes: y_score must be 2-D (n_samples, n_classes)"
        )
    if multi_class == "raise":
        raise ValueError("multi_class must be in ('ovo', 'ovr')")
    if multi_class == "ovo":
        raise ValueError("multi_class='ovo' is not supported; use multi_class='ovr'")
    kind = _check_average(average, ("macro", "weighted", None))
    if labels is not None:
        given = _as_labels(labels, "labels")
        _check_same_kind([(given, "labels"), (y_true, "y_true")])
        if np.unique(given).size != given.size:
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(np.sort(given), given):
            raise ValueError("Parameter 'labels' must be ordered")
        if not np.isin(y_true, given).all():
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
        classes = given
    if scores.shape[1] != classes.size:
        raise ValueError(
            f"Number of classes in y_true ({classes.size}) not equal to the number of columns "
            f"in 'y_score' ({scores.shape[1]})"
        )
    if not np.allclose(1, scores.sum(axis=1)):
        raise ValueError(
            "Target scores need to be probabilities for multiclass roc_auc, i.e. they should "
            "sum up to 1.0 over classes"
        )
    codes = _encode(classes, y_true, "y_true")
    per_class, averaged = _core.imbalance_ranking_ovr("roc_auc", codes, scores, kind, weights, 0)
    return per_class if average is None else float(averaged)


def average_precision_score(
    y_true: Any,
    y_score: Any,
    *,
    average: str | None = "macro",
    pos_label: Any = 1,
    sample_weight: Any = None,
):
    """Average precision: the step-wise area under the precision-recall curve,
    ``sum_k (R_k - R_{k-1}) P_k`` over decreasing thresholds (no interpolation, as
    scikit-learn).

    Binary ``y_true``: 1-D ``y_score`` for ``pos_label``. Multiclass: ``y_score`` of shape
    (n_samples, n_classes) with columns in sorted class order, one-vs-rest, averaged
    ('macro', 'weighted' by support, or None for per-class values).

    Examples
    --------
    >>> from shiftguard.imbalance import average_precision_score
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    y_true = _as_labels(y_true, "y_true")
    scores = _as_scores(y_score, y_true.size)
    weights = _as_sample_weight(sample_weight, y_true.size)
    classes = _unique_union(y_true)
    if classes.size <= 2 and scores.ndim == 1:
        if classes.size == 2 and pos_label not in classes.tolist():
            raise ValueError(
                f"pos_label={pos_label!r} is not a valid label. It should be one of "
                f"{classes.tolist()}"
            )
        if pos_label not in classes.tolist():
            _warn("No positive class found in y_true, recall is set to one for all thresholds.")
            return 0.0
        codes = (y_true == pos_label).astype(np.int64)
        return float(_core.imbalance_ranking_binary("average_precision", codes, 1, scores, weights))
    if scores.ndim == 1:
        raise ValueError(
            f"y_true has {classes.size} classes: y_score must be 2-D (n_samples, n_classes)"
        )
    if pos_label != 1:
        raise ValueError(
            "Parameter pos_label is fixed to 1 for multiclass y_true. Do not set pos_label or "
            "set pos_label to 1."
        )
    kind = _check_average(average, ("macro", "weighted", None))
    if scores.shape[1] != classes.size:
        raise ValueError(
            f"Number of classes in y_true ({classes.size}) not equal to the number of columns "
            f"in 'y_score' ({scores.shape[1]})"
        )
    codes = _encode(classes, y_true, "y_true")
    per_class, averaged = _core.imbalance_ranking_ovr(
        "average_precision", codes, scores, kind, weights, 0
    )
    return per_class if average is None else float(averaged)


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class ImbalanceReport:
    """Summary of a classifier on imbalanced data (see :func:`imbalance_report`).

    Attributes
    ----------
    labels : tuple
        Classes, in the order of the per-class arrays and of the confusion matrix.
    precision, recall, f1, support : numpy.ndarray
        Per-class values.
    balanced_accuracy, macro_f1, weighted_f1, matthews_corrcoef, geometric_mean : float
    roc_auc, average_precision : float or None
        Present when scores were given (binary, or one-vs-rest macro for multiclass).
    confusion_matrix : numpy.ndarray
    """

    labels: tuple
    precision: np.ndarray = field(repr=False)
    recall: np.ndarray = field(repr=False)
    f1: np.ndarray = field(repr=False)
    support: np.ndarray = field(repr=False)
    balanced_accuracy: float
    macro_f1: float
    weighted_f1: float
    matthews_corrcoef: float
    geometric_mean: float
    roc_auc: float | None
    average_precision: float | None
    confusion_matrix: np.ndarray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python dict (lists and floats), JSON-serialisable for string/int labels."""
        return {
            "labels": [label.item() if hasattr(label, "item") else label for label in self.labels],
            "per_class": {
                "precision": self.precision.tolist(),
                "recall": self.recall.tolist(),
                "f1": self.f1.tolist(),
                "support": self.support.tolist(),
            },
            "balanced_accuracy": self.balanced_accuracy,
            "macro_f1": self.macro_f1,
            "weighted_f1": self.weighted_f1,
            "matthews_corrcoef": self.matthews_corrcoef,
            "geometric_mean": self.geometric_mean,
            "roc_auc": self.roc_auc,
            "average_precision": self.average_precision,
            "confusion_matrix": self.confusion_matrix.tolist(),
        }

    def to_frame(self):
        """Per-class table (one row per class) as a pandas DataFrame indexed by label."""
        import pandas as pd

        return pd.DataFrame(
            {
                "precision": self.precision,
                "recall": self.recall,
                "f1": self.f1,
                "support": self.support,
            },
            index=pd.Index(list(self.labels), name="label"),
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(label))}</td><td>{p:.4f}</td><td>{r:.4f}</td>"
            f"<td>{f:.4f}</td><td>{s}</td></tr>"
            for label, p, r, f, s in zip(
                self.labels, self.precision, self.recall, self.f1, self.support
            )
        )
        summary = [
            ("balanced accuracy", self.balanced_accuracy),
            ("macro F1", self.macro_f1),
            ("weighted F1", self.weighted_f1),
            ("Matthews correlation", self.matthews_corrcoef),
            ("geometric mean of recalls", self.geometric_mean),
        ]
        if self.roc_auc is not None:
            summary.append(("ROC AUC", self.roc_auc))
        if self.average_precision is not None:
            summary.append(("average precision", self.average_precision))
        summary_rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td colspan='4'>{value:.4f}</td></tr>"
            for name, value in summary
        )
        return (
            "<table><thead><tr><th>label</th><th>precision</th><th>recall</th><th>f1</th>"
            f"<th>support</th></tr></thead><tbody>{rows}{summary_rows}</tbody></table>"
        )


def imbalance_report(
    y_true: Any,
    y_pred: Any,
    y_score: Any = None,
    *,
    labels: Any = None,
    sample_weight: Any = None,
    zero_division: Any = "warn",
) -> ImbalanceReport:
    """Per-class precision, recall, F1 and support with the metrics that matter on
    imbalanced data, in one frozen result (like scikit-learn's ``classification_report``).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    y_score : array-like, optional
        Scores for ROC AUC and average precision: 1-D (score of the greater label) for
        binary data, (n_samples, n_classes) probabilities for multiclass (one-vs-rest macro).
    labels : array-like, optional
        Classes of the per-class table, in this order (default: all, sorted).
    sample_weight : array-like of shape (n_samples,), optional
    zero_division : {'warn', 0.0, 1.0, np.nan}, default 'warn'

    Examples
    --------
    >>> from shiftguard.imbalance import imbalance_report
    >>> report = imbalance_report([0, 0, 0, 1], [0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9])
    >>> round(report.balanced_accuracy, 4), report.roc_auc
    (0.8333, 1.0)
    >>> report.to_frame().round(3)
           precision  recall     f1  support
    label...
    0            1.0   0.667  0.800        3
    1            0.5   1.000  0.667        1
    """
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, sample_weight=sample_weight, zero_division=zero_division
    )
    _, _, classes, _, _, _, given = _pair(y_true, y_pred, sample_weight, labels)
    shown = classes if given is None else given
    macro = f1_score(y_true, y_pred, labels=labels, average="macro",
                     sample_weight=sample_weight, zero_division=zero_division)
    weighted = f1_score(y_true, y_pred, labels=labels, average="weighted",
                        sample_weight=sample_weight, zero_division=zero_division)
    roc = ap = None
    if y_score is not None:
        scores = np.asarray(y_score)
        y_classes = np.unique(_as_labels(y_true, "y_true"))
        if scores.ndim == 1:
            roc = roc_auc_score(y_true, scores, sample_weight=sample_weight)
            if y_classes.size == 2:
                greater = y_classes[1]
                positive = np.asarray(_as_labels(y_true, "y_true") == greater, dtype=np.int64)
                ap = average_precision_score(positive, scores, sample_weight=sample_weight)
        else:
            roc = roc_auc_score(y_true, scores, sample_weight=sample_weight, multi_class="ovr")
            ap = average_precision_score(y_true, scores, sample_weight=sample_weight)
    return ImbalanceReport(
        labels=tuple(shown.tolist()),
        precision=precision,
        recall=recall,
        f1=f1,
        support=support,
        balanced_accuracy=balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight),
        macro_f1=float(macro),
        weighted_f1=float(weighted),
        matthews_corrcoef=matthews_corrcoef(y_true, y_pred, sample_weight=sample_weight),
        geometric_mean=geometric_mean_score(y_true, y_pred, sample_weight=sample_weight),
        roc_auc=None if roc is None else float(roc),
        average_precision=None if ap is None else float(ap),
        confusion_matrix=confusion_matrix(y_true, y_pred, labels=labels,
                                          sample_weight=sample_weight),
    )
