"""Class weights, per-sample weights and logit-adjustment offsets.

``compute_class_weight`` and ``compute_sample_weight`` have scikit-learn's signatures and give
scikit-learn's numbers for ``'balanced'`` and dict weights, so code can switch by changing the
import. They add two weightings (``'sqrt'``, square-root inverse frequency, and
``'effective'``, the effective number of samples of Cui et al., CVPR 2019) and an optional
normalisation. ``logit_adjustment`` returns the offsets ``tau * log(prior)`` of Menon et al.
(ICLR 2021) as a plain vector. The arithmetic runs in C++
(``include/shiftguard/imbalance/weights.hpp``).

Normalisation (``normalize``)
    ``'none'`` (default) returns the formula unchanged: ``'balanced'`` is then
    ``n_samples / (n_classes * count)`` exactly as scikit-learn; ``'mean_sample'`` scales the
    class weights so that the mean per-sample weight is 1 (``sum_c count_c * w_c = n_samples``;
    ``'balanced'`` already satisfies it); ``'n_classes'`` scales them to sum to the number of
    classes (Cui et al.'s choice). Counts are sums of ``sample_weight`` when it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import _core

__all__ = ["compute_class_weight", "compute_sample_weight", "logit_adjustment"]

_METHODS = ("balanced", "sqrt", "effective")
_NORMALIZE = ("none", "mean_sample", "n_classes")


# --------------------------------------------------------------------------- labels


def _as_labels(y: Any, name: str) -> np.ndarray:
    """1-D array of int64, bool or str labels; integer-valued floats become int64.

    Raises TypeError for non-integer floats, complex numbers and mixed object arrays,
    ValueError for arrays that are not 1-D or are empty."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(y, (pd.Series, pd.Index)):
        if isinstance(y.dtype, pd.CategoricalDtype):
            y = y.astype(object)
        if y.isna().any():
            raise TypeError(f"{name} contains missing values (NaN/None); labels must be set")
        y = y.to_numpy()
    if isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be an array of labels, got {type(y).__name__}")
    array = np.asarray(y)
    if array.dtype.kind in "US" and not isinstance(y, np.ndarray):
        # np.asarray turns [1, "a"] into strings: look at the original elements.
        elements = np.asarray(y, dtype=object)
        if elements.ndim == 1 and not all(isinstance(v, (str, bytes)) for v in elements):
            array = elements
    if array.ndim == 2 and array.shape[1] == 1:
        raise ValueError(
            f"{name} must be 1-D, got a column of shape {array.shape}; use y.ravel()"
        )
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {array.ndim}-D array of shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    kind = array.dtype.kind
    if kind in "iu":
        return array.astype(np.int64, copy=False)
    if kind == "b":
        return array
    if kind in "US":
        return array.astype(str, copy=False)
    if kind == "f":
        if not np.all(np.isfinite(array)):
            raise TypeError(f"{name} contains NaN or infinite values; labels must be integers")
        as_int = array.astype(np.int64)
        bad = np.flatnonzero(as_int != array)
        if bad.size:
            raise TypeError(
                f"{name} must hold integer or string labels, got the non-integer float "
                f"{array[bad[0]]!r} at index {bad[0]}"
            )
        return as_int
    if kind == "O":
        types = {type(v) for v in array}
        if all(issubclass(t, str) for t in types):
            return array.astype(str)
        if all(issubclass(t, (bool, np.bool_)) for t in types):
            return array.astype(bool)
        if all(issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_))
               for t in types):
            return array.astype(np.int64)
        names = sorted(t.__name__ for t in types)
        raise TypeError(
            f"{name} must hold labels of one kind (all integers, all strings or all bools), "
            f"got {', '.join(names)}"
        )
    raise TypeError(
        f"{name} must hold integer, string or bool labels, got dtype {array.dtype}"
    )


def _kind(labels: np.ndarray) -> str:
    kind = labels.dtype.kind
    return "number" if kind in "iub" else "string"


def _check_same_kind(arrays: list[tuple[np.ndarray, str]]) -> None:
    kinds = {_kind(a) for a, _ in arrays}
    if len(kinds) > 1:
        described = ", ".join(f"{n} holds {_kind(a)}s" for a, n in arrays)
        raise TypeError(f"labels mix strings and numbers ({described})")


def _encode(
    classes: np.ndarray, labels: np.ndarray, name: str, allow_missing: bool = False
) -> np.ndarray:
    """Codes of ``labels`` in the sorted ``classes`` (int64). Labels outside ``classes`` raise
    ValueError, or get code -1 when ``allow_missing``."""
    if (
        labels.dtype == np.int64
        and classes.dtype.kind in "iu"
        and classes.size
        and classes[0] == 0
        and classes[-1] == classes.size - 1
        and labels.min() >= 0
        and labels.max() < classes.size
    ):
        # Labels already are the codes 0..K-1: no copy.
        return labels
    if (
        labels.dtype.kind in "iu"
        and classes.dtype.kind in "iu"
        and classes.size
        and classes[0] >= 0
        and classes[-1] < 1 << 22
        and labels.size > 4 * classes[-1]
    ):
        # Small non-negative integer labels: a lookup table, O(n).
        table = np.full(int(classes[-1]) + 1, -1, dtype=np.int64)
        table[classes] = np.arange(classes.size, dtype=np.int64)
        inside = (labels >= 0) & (labels <= classes[-1])
        if inside.all():
            codes = table[labels]
        else:
            codes = np.full(labels.size, -1, dtype=np.int64)
            codes[inside] = table[labels[inside]]
    else:
        codes = np.searchsorted(classes, labels).astype(np.int64)
        codes[codes >= classes.size] = 0
        codes[classes[codes] != labels] = -1
    if not allow_missing and (codes < 0).any():
        missing = labels[np.flatnonzero(codes < 0)[0]].item()
        raise ValueError(f"{name} contains the label {missing!r}, which is not among the classes")
    return codes


def _unique_union(*arrays: np.ndarray) -> np.ndarray:
    """Sorted distinct labels of all arrays (fast for small non-negative integers)."""
    if all(a.dtype.kind in "iu" for a in arrays):
        low = min(int(a.min()) for a in arrays)
        high = max(int(a.max()) for a in arrays)
        if low >= 0 and high < 1 << 22 and high <= 4 * sum(a.size for a in arrays):
            present = np.zeros(high + 1, dtype=bool)
            for a in arrays:
                present |= np.bincount(a, minlength=high + 1) > 0
            return np.flatnonzero(present).astype(np.int64)
    return np.unique(np.concatenate(arrays)) if len(arrays) > 1 else np.unique(arrays[0])


def _as_sample_weight(sample_weight: Any, n: int, name: str = "sample_weight") -> np.ndarray | None:
    if sample_weight is None:
        return None
    array = np.asarray(sample_weight)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    array = np.ascontiguousarray(array, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if array.shape[0] != n:
        raise ValueError(f"{name} has {array.shape[0]} entries but y has {n}")
    bad = np.flatnonzero(~np.isfinite(array) | (array < 0))
    if bad.size:
        raise ValueError(
            f"{name} must hold finite non-negative weights, got {float(array[bad[0]])} "
            f"at index {bad[0]}"
        )
    return array


def _check_option(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(
            f"{name} must be one of {', '.join(repr(a) for a in allowed)}, got {value!r}"
        )
    return value


def _check_beta(beta: Any) -> float:
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta must be a number in [0, 1), got {beta!r}")
    beta = float(beta)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be in [0, 1), got {beta}")
    return beta


def _check_classes(classes: Any) -> np.ndarray:
    classes = _as_labels(classes, "classes")
    unique = np.unique(classes)
    if unique.size != classes.size:
        raise ValueError("classes must not contain duplicates")
    return classes


def _dict_weights(class_weight: Mapping[Any, Any], classes: np.ndarray) -> np.ndarray:
    """scikit-learn's rule: weight 1 for classes missing from the dict; a dict that names labels
    outside ``classes`` while leaving some class unweighted is an error."""
    weights = np.ones(classes.size, dtype=np.float64)
    unweighted = []
    for position, label in enumerate(classes.tolist()):
        if label in class_weight:
            value = class_weight[label]
            if isinstance(value, bool) or not isinstance(
                value, (int, float, np.integer, np.floating)
            ):
                raise TypeError(f"class_weight[{label!r}] must be a number, got {value!r}")
            weights[position] = float(value)
        else:
            unweighted.append(label)
    if unweighted and classes.size - len(unweighted) != len(class_weight):
        raise ValueError(f"The classes, {unweighted}, are not in class_weight")
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if bad.size:
        raise ValueError(
            f"class_weight must hold finite non-negative weights, got {float(weights[bad[0]])} "
            f"for class {classes[bad[0]]!r}"
        )
    return weights


# --------------------------------------------------------------------------- public API


def compute_class_weight(
    class_weight: str | Mapping[Any, float] | None,
    *,
    classes: Any,
    y: Any,
    sample_weight: Any = None,
    beta: float = 0.999,
    normalize: str = "none",
) -> np.ndarray:
    """Weight of each class, for unbalanced data sets.

    Parameters
    ----------
    class_weight : {'balanced', 'sqrt', 'effective'}, dict or None
        ``'balanced'``: ``n_samples / (n_classes * count_c)`` (scikit-learn's).
        ``'sqrt'``: the square root of the balanced weight.
        ``'effective'``: ``(1 - beta) / (1 - beta ** count_c)`` (Cui et al. 2019).
        A dict maps labels to weights (missing classes get 1); None gives every class 1.
    classes : array-like of shape (n_classes,)
        The classes, in the order of the returned weights; every label of ``y`` must be one.
    y : array-like of shape (n_samples,)
        Labels (ints, strings or bools; a pandas Series works).
    sample_weight : array-like of shape (n_samples,), optional
        Counts become sums of these weights (finite, non-negative).
    beta : float, default 0.999
        Parameter of ``'effective'``, in [0, 1).
    normalize : {'none', 'mean_sample', 'n_classes'}, default 'none'
        ``'mean_sample'``: mean per-sample weight 1; ``'n_classes'``: weights sum to the
        number of classes. See the module docstring.

    Returns
    -------
    numpy.ndarray of float64, shape (n_classes,)

    Raises
    ------
    ValueError
        A class listed in ``classes`` is absent from ``y`` (weights from counts), a single
        class, ``beta`` outside [0, 1), negative/NaN/infinite weights, labels of ``y`` not in
        ``classes``.
    TypeError
        Labels that are non-integer floats or of mixed kinds.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import compute_class_weight
    >>> y = np.array(["cat"] * 8 + ["dog"] * 2)
    >>> compute_class_weight("balanced", classes=np.array(["cat", "dog"]), y=y)
    array([0.625, 2.5  ])
    >>> compute_class_weight("sqrt", classes=np.array(["cat", "dog"]), y=y).round(4)
    array([0.7906, 1.5811])
    """
    classes = _check_classes(classes)
    y = _as_labels(y, "y")
    _check_same_kind([(classes, "classes"), (y, "y")])
    normalize = _check_option("normalize", normalize, _NORMALIZE)
    order = np.argsort(classes, kind="stable")
    sorted_classes = classes[order]
    codes_sorted = _encode(sorted_classes, y, "y")
    # Codes in the caller's order of classes.
    codes = np.ascontiguousarray(order[codes_sorted].astype(np.int64))
    weights = _as_sample_weight(sample_weight, y.size)
    if class_weight is None or isinstance(class_weight, Mapping):
        given = (
            np.ones(classes.size)
            if class_weight is None
            else _dict_weights(class_weight, classes)
        )
        return _core.imbalance_normalize_class_weight(given, codes, weights, normalize)
    if not isinstance(class_weight, str) or class_weight not in _METHODS:
        raise ValueError(
            "class_weight must be 'balanced', 'sqrt', 'effective', a dict or None, "
            f"got {class_weight!r}"
        )
    beta = _check_beta(beta)
    if classes.size < 2:
        raise ValueError(
            f"class_weight={class_weight!r} needs at least 2 classes, got {classes.size} "
            f"({classes.tolist()!r})"
        )
    counts = (
        np.bincount(codes, minlength=classes.size)
        if weights is None
        else np.bincount(codes, weights=weights, minlength=classes.size)
    )
    absent = classes[counts == 0]
    if absent.size:
        raise ValueError(
            f"classes {absent.tolist()!r} are listed in classes but absent from y "
            "(count 0): their weight is undefined"
        )
    return _core.imbalance_class_weight(codes, classes.size, class_weight, beta, normalize, weights)


def compute_sample_weight(
    class_weight: str | Mapping[Any, float] | None,
    y: Any,
    *,
    indices: Any = None,
    sample_weight: Any = None,
    beta: float = 0.999,
    normalize: str = "none",
) -> np.ndarray:
    """Weight of each sample from the weight of its class.

    ``w_i = class_weight[y_i]``, times ``sample_weight[i]`` when given (as scikit-learn's
    estimators combine the two). Equal to scikit-learn's ``compute_sample_weight`` for
    ``'balanced'``, dicts, None and ``indices``.

    Parameters
    ----------
    class_weight : {'balanced', 'sqrt', 'effective'}, dict or None
        As in :func:`compute_class_weight`, the classes being those of ``y``.
    y : array-like of shape (n_samples,)
        Labels.
    indices : array-like of int, optional
        Compute the class weights on ``y[indices]`` only (a bootstrap sample, as in
        scikit-learn); classes absent from it get weight 0.
    sample_weight : array-like of shape (n_samples,), optional
        Multiplied into the result (finite, non-negative). The class weights themselves are
        computed from plain counts (scikit-learn's rule).
    beta : float, default 0.999
        Parameter of ``'effective'``.
    normalize : {'none', 'mean_sample'}, default 'none'
        ``'mean_sample'`` scales the result to mean 1.

    Returns
    -------
    numpy.ndarray of float64, shape (n_samples,)

    Examples
    --------
    >>> from shiftguard.imbalance import compute_sample_weight
    >>> compute_sample_weight("balanced", [0, 0, 0, 1])
    array([0.66666667, 0.66666667, 0.66666667, 2.        ])
    >>> compute_sample_weight({0: 1.0, 1: 3.0}, [0, 0, 0, 1], sample_weight=[1, 1, 2, 1],
    ...                       normalize="mean_sample")
    array([0.57142857, 0.57142857, 1.14285714, 1.71428571])
    """
    y = _as_labels(y, "y")
    normalize = _check_option("normalize", normalize, ("none", "mean_sample"))
    weights = _as_sample_weight(sample_weight, y.size)
    if isinstance(class_weight, (list, tuple)):
        raise ValueError(
            "class_weight as a list of dicts (multi-output) is not supported: y must be 1-D"
        )
    classes = np.unique(y)
    codes = _encode(classes, y, "y")
    if indices is None:
        per_class = compute_class_weight(class_weight, classes=classes, y=y, beta=beta)
    else:
        indices = np.asarray(indices)
        if indices.dtype.kind not in "iu" or indices.ndim != 1:
            raise TypeError(f"indices must be a 1-D array of ints, got dtype {indices.dtype}")
        if indices.size == 0 or indices.min() < -y.size or indices.max() >= y.size:
            raise ValueError(f"indices must be non-empty and within [0, {y.size})")
        subsample = y[indices]
        sub_classes = np.unique(subsample)
        sub_weights = compute_class_weight(
            class_weight, classes=sub_classes, y=subsample, beta=beta
        )
        per_class = np.zeros(classes.size)
        present = np.isin(classes, sub_classes)
        per_class[present] = sub_weights[np.searchsorted(sub_classes, classes[present])]
        # Classes absent from the subsample get weight 0 whatever class_weight says.
    return _core.imbalance_sample_weight(
        codes, np.ascontiguousarray(per_class, dtype=np.float64), weights, normalize
    )


def logit_adjustment(
    y: Any = None,
    *,
    priors: Any = None,
    classes: Any = None,
    sample_weight: Any = None,
    tau: float = 1.0,
) -> np.ndarray:
    """Logit-adjustment offsets ``tau * log(prior)`` (Menon et al., ICLR 2021).

    Add them to the logits inside the loss during training (logit-adjusted cross-entropy), or
    subtract them from a trained model's logits (post-hoc adjustment) so that rare classes are
    no longer penalised by their low prior.

    Parameters
    ----------
    y : array-like of shape (n_samples,), optional
        Training labels; the priors are their (weighted) class frequencies.
    priors : array-like of shape (n_classes,), optional
        Class priors given directly (positive, summing to 1) instead of ``y``.
    classes : array-like, optional
        Order of the classes in the result (default: sorted labels of ``y``); each must occur
        in ``y``.
    sample_weight : array-like of shape (n_samples,), optional
        Weights of the samples of ``y``.
    tau : float, default 1.0
        Scale of the offsets, >= 0.

    Returns
    -------
    numpy.ndarray of float64, shape (n_classes,)

    Examples
    --------
    >>> from shiftguard.imbalance import logit_adjustment
    >>> logit_adjustment([0, 0, 0, 1]).round(4)
    array([-0.2877, -1.3863])
    >>> logit_adjustment(priors=[0.9, 0.1], tau=0.5).round(4)
    array([-0.0527, -1.1513])
    """
    if isinstance(tau, bool) or not isinstance(tau, (int, float, np.integer, np.floating)):
        raise TypeError(f"tau must be a number >= 0, got {tau!r}")
    if (y is None) == (priors is None):
        raise ValueError("give exactly one of y and priors")
    if priors is not None:
        if classes is not None or sample_weight is not None:
            raise ValueError("classes and sample_weight only apply with y, not with priors")
        values = np.asarray(priors)
        if values.dtype.kind not in "fiu" or values.ndim != 1:
            raise TypeError(f"priors must be a 1-D array of numbers, got {values.dtype}")
        return _core.imbalance_logit_adjustment(
            np.ascontiguousarray(values, dtype=np.float64), float(tau)
        )
    y = _as_labels(y, "y")
    weights = _as_sample_weight(sample_weight, y.size)
    if classes is None:
        classes = np.unique(y)
    else:
        classes = _check_classes(classes)
        _check_same_kind([(classes, "classes"), (y, "y")])
    order = np.argsort(classes, kind="stable")
    codes = order[_encode(classes[order], y, "y")]
    counts = np.bincount(codes, weights=weights, minlength=classes.size).astype(np.float64)
    absent = classes[counts == 0]
    if absent.size:
        raise ValueError(
            f"classes {absent.tolist()!r} are absent from y (prior 0): the log prior is -inf"
        )
    if classes.size < 2:
        raise ValueError(f"y must hold at least 2 classes, got {classes.size}")
    return _core.imbalance_logit_adjustment(counts / counts.sum(), float(tau))
