"""The sampler contract shared by every shiftguard resampler (imbalanced-learn's
``fit_resample``), the exact neighbour search and the argument checks they use.

A sampler stores only its parameters in ``__init__``; ``fit_resample(X, y)`` checks the
input once, encodes the labels (ints, strings or bools; sorted, as ``np.unique`` sorts
them), resolves ``sampling_strategy`` exactly as imbalanced-learn 0.14 does (in the C++
core, ``shiftguard/imbalance/sampling.hpp``), lets the subclass resample the encoded
problem, and returns ``X`` and ``y`` in the types they came in: a NumPy array keeps its
dtype, a DataFrame its columns and column dtypes, a Series its name, a list stays a list,
and a one-hot (one-vs-all) ``y`` stays one-hot.
"""

from __future__ import annotations

import numbers
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from .._validation import as_float_matrix, check_n_threads

try:  # scikit-learn gives the estimator API (clone, get_params, Pipeline); optional
    from sklearn.base import BaseEstimator as _EstimatorBase

    _HAVE_SKLEARN = True
except ImportError:  # pragma: no cover - scikit-learn is installed with the test extras
    _HAVE_SKLEARN = False

    class _EstimatorBase:  # type: ignore[no-redef]
        """Minimal get_params/set_params when scikit-learn is absent."""

        @classmethod
        def _get_param_names(cls) -> list[str]:
            import inspect

            signature = inspect.signature(cls.__init__)
            return sorted(p for p in signature.parameters if p != "self")

        def get_params(self, deep: bool = True) -> dict[str, Any]:
            return {name: getattr(self, name) for name in self._get_param_names()}

        def set_params(self, **params: Any) -> _EstimatorBase:
            for name, value in params.items():
                if name not in self._get_param_names():
                    raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}")
                setattr(self, name, value)
            return self

        def __repr__(self) -> str:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
            return f"{type(self).__name__}({args})"


__all__ = ["BaseSampler", "kneighbors", "neighbors_within_class"]

_SAMPLING_TYPES = ("over-sampling", "under-sampling", "clean-sampling")


def kneighbors(
    X: Any,
    n_neighbors: int = 5,
    query: Any = None,
    *,
    n_threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours (Euclidean), ties broken by the smaller index.

    Candidate distances are computed blockwise with Eigen (float32 ``|a|^2 + |b|^2 - 2ab``
    over blocks of query rows and tiles of reference rows, at most 1 MiB of buffer per
    thread, never an n x n matrix), the candidates' distances are then computed directly in
    double precision, and neighbours at the same distance come in increasing index order.
    The result does not depend on ``n_threads``.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        The reference points (float32 stays float32; other numbers become float64).
    n_neighbors : int, default=5
        Neighbours per query point.
    query : array-like of shape (n_queries, n_features), optional
        Points whose neighbours are sought. When omitted, the neighbours of every row of
        ``X`` among the *other* rows of ``X`` (a row is not its own neighbour; its exact
        duplicates are), as ``NearestNeighbors().fit(X).kneighbors()`` does.
    n_threads : int or None, default=None
        Threads (None: all cores).

    Returns
    -------
    distances : ndarray of shape (n_queries, n_neighbors)
        Euclidean distances, nearest first (dtype of ``X``).
    indices : ndarray of int64, shape (n_queries, n_neighbors)
        Row numbers in ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import kneighbors
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 0.0]])
    >>> distances, indices = kneighbors(X, n_neighbors=2)
    >>> indices
    array([[1, 3],
           [3, 0],
           [0, 1],
           [1, 0]])
    >>> distances[0]
    array([1., 1.])
    """
    reference, _ = as_float_matrix(X, "X")
    _check_finite(reference, "X")
    n_neighbors = _check_int(n_neighbors, "n_neighbors", 1)
    threads = check_n_threads(n_threads)
    if query is None:
        return _core.kneighbors(reference, None, n_neighbors, True, threads)
    query_array, _ = as_float_matrix(query, "query", dtype=reference.dtype)
    _check_finite(query_array, "query")
    if query_array.shape[1] != reference.shape[1]:
        raise ValueError(
            f"query has {query_array.shape[1]} columns but X has {reference.shape[1]}"
        )
    return _core.kneighbors(reference, query_array, n_neighbors, False, threads)


def neighbors_within_class(
    class_size: int, requested: int, class_name: str, *, shrink: bool = False,
    parameter: str = "k_neighbors",
) -> int:
    """Neighbours to use inside a class of ``class_size`` samples when ``requested`` are
    asked (a sample is not its own neighbour, so a class needs ``requested + 1``). Too small
    a class raises ValueError naming the class and its count, unless ``shrink`` asks for
    ``class_size - 1`` instead (a class of one sample always raises). For the samplers that
    search neighbours within a class (the SMOTE family).

    >>> neighbors_within_class(10, 5, "'cat'")
    5
    >>> neighbors_within_class(4, 5, "'cat'", shrink=True)
    3
    """
    return _core.neighbors_within_class(
        int(class_size), _check_int(requested, parameter, 1), class_name, bool(shrink), parameter
    )


def _check_int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an int >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value}")
    return int(value)


def _check_finite(array: np.ndarray, name: str) -> None:
    finite = np.isfinite(array)
    if not finite.all():
        row, column = np.argwhere(~finite)[0]
        kind = "NaN" if np.isnan(array[row, column]) else "an infinite value"
        raise ValueError(
            f"{name} contains {kind} at row {row}, column {column}; the samplers need finite "
            "values (impute them first)"
        )


def _label_name(label: Any) -> str:
    value = label.item() if isinstance(label, np.generic) else label
    return repr(value)


@dataclass
class _TargetInfo:
    """How ``y`` came in, to give it back in the same form."""

    kind: str  # "array", "series", "frame", "list", "one-hot"
    original: Any
    array: np.ndarray  # the labels as a 1-D array (argmax of one-hot)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _EncodedProblem:
    """What a sampler's ``_fit_resample`` works on."""

    X: np.ndarray  # float32 or float64, (n_samples, n_features), finite
    y: np.ndarray  # int64 codes 0..n_classes-1
    classes: np.ndarray  # original labels, sorted; classes[code] is the label
    class_counts: np.ndarray  # int64, per code
    strategy: dict[int, int]  # resolved sampling_strategy on codes (increasing)

    def class_name(self, code: int) -> str:
        return _label_name(self.classes[code])


def _check_target(y: Any, n_samples: int | None = None) -> _TargetInfo:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if y is None:
        raise ValueError("y is required: samplers resample X together with its labels")
    if pd is not None and isinstance(y, pd.Series):
        info = _TargetInfo("series", y, y.to_numpy())
    elif pd is not None and isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"y as a DataFrame must have one column, got {y.shape[1]} "
                "(multilabel and multioutput targets are not supported)"
            )
        info = _TargetInfo("frame", y, y.iloc[:, 0].to_numpy())
    elif isinstance(y, (list, tuple)):
        info = _TargetInfo("list", y, np.asarray(y))
    else:
        if isinstance(y, (str, bytes)):
            raise TypeError(f"y must be an array of labels, got {type(y).__name__}")
        if hasattr(y, "toarray") or hasattr(y, "tocsr"):
            raise TypeError("y must be dense labels, got a sparse matrix")
        info = _TargetInfo("array", y, np.asarray(y))
    labels = info.array
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels.ravel()
        info.extra["column"] = True
    elif labels.ndim == 2:
        # One-vs-all (one-hot) targets are accepted and given back one-hot; anything else
        # with several columns is multilabel or multioutput.
        if labels.dtype.kind in "biuf" and labels.size and np.isin(labels, (0, 1)).all() and (
            labels.sum(axis=1) == 1
        ).all():
            info.extra["one_hot_width"] = labels.shape[1]
            info.extra["one_hot_dtype"] = labels.dtype
            info.kind = "one-hot"
            labels = labels.argmax(axis=1)
        else:
            raise ValueError(
                f"y has shape {labels.shape}: multilabel and multioutput targets are not "
                "supported (give one label per sample, or a one-hot encoding)"
            )
    elif labels.ndim != 1:
        raise ValueError(f"y must be 1-D (one label per sample), got shape {labels.shape}")
    if labels.dtype.kind == "f":
        if np.isnan(labels).any():
            raise ValueError("y contains NaN; every sample needs a label")
        if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
            bad = labels[~(np.isfinite(labels) & (labels == np.round(labels)))][0]
            raise ValueError(
                f"Unknown label type: y holds continuous values (for example {bad!r}); "
                "labels must be integers, strings or bools (integer-valued floats are accepted)"
            )
    elif labels.dtype.kind == "c":
        raise ValueError("Unknown label type: y holds complex numbers")
    elif labels.dtype.kind == "O":
        kinds = {type(v) for v in labels}
        if any(v is None for v in labels):
            raise ValueError("y contains None; every sample needs a label")
        integral = all(isinstance(v, (numbers.Integral, np.integer)) for v in labels)
        if not (kinds <= {str} or integral):
            names = sorted(k.__name__ for k in kinds)
            raise ValueError(
                f"Unknown label type: y mixes or holds unsupported types {names}; labels must "
                "be all integers, all strings or all bools"
            )
    elif labels.dtype.kind not in "biuUS":
        raise ValueError(f"Unknown label type: y has dtype {labels.dtype}")
    if n_samples is not None and labels.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} rows but y has {labels.shape[0]} labels; they must match"
        )
    info.array = labels
    return info


def _restore_target(info: _TargetInfo, codes: np.ndarray, classes: np.ndarray,
                    indices: np.ndarray | None) -> Any:
    """Labels for the resampled rows in the type ``y`` came in. ``indices`` (rows of the
    input, when every output row is an input row) keeps the exact input values."""
    labels = info.array[indices] if indices is not None else classes[codes]
    if info.kind == "one-hot":
        width = info.extra["one_hot_width"]
        out = np.zeros((labels.shape[0], width), dtype=info.extra["one_hot_dtype"])
        out[np.arange(labels.shape[0]), labels.astype(np.int64)] = 1
        return out
    if info.kind == "series":
        import pandas as pd

        series = info.original
        return pd.Series(labels, name=series.name, dtype=series.dtype)
    if info.kind == "frame":
        import pandas as pd

        frame = info.original
        return pd.DataFrame({frame.columns[0]: labels}).astype(frame.dtypes.to_dict())
    if info.kind == "list":
        return labels.tolist()
    if info.extra.get("column"):
        return labels.reshape(-1, 1)
    return labels


def _check_features(X: Any) -> tuple[np.ndarray, dict[str, Any]]:
    """X as a finite float matrix plus what is needed to give it back."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if hasattr(X, "tocsr") or hasattr(X, "toarray"):
        raise TypeError(
            "X is a sparse matrix; shiftguard's samplers work on dense data "
            "(use X.toarray())"
        )
    form: dict[str, Any] = {"original": X}
    if pd is not None and isinstance(X, pd.DataFrame):
        form["kind"] = "frame"
        if any(isinstance(t, pd.SparseDtype) for t in X.dtypes):
            dense = X.sparse.to_dense() if hasattr(X, "sparse") else X
            array, _ = as_float_matrix(dense, "X")
        else:
            array, _ = as_float_matrix(X, "X")
    elif isinstance(X, (list, tuple)):
        form["kind"] = "list"
        array, _ = as_float_matrix(X, "X")
    else:
        form["kind"] = "array"
        array, _ = as_float_matrix(X, "X")
    _check_finite(array, "X")
    return array, form


def _restore_features(form: dict[str, Any], array: np.ndarray, indices: np.ndarray | None) -> Any:
    original = form["original"]
    if form["kind"] == "frame":
        import pandas as pd

        if indices is not None:
            return original.iloc[indices].reset_index(drop=True)
        frame = pd.DataFrame(array, columns=original.columns)
        return frame.astype(original.dtypes.to_dict())
    if form["kind"] == "list":
        rows = np.asarray(original)[indices] if indices is not None else array
        return rows.tolist()
    if indices is not None:
        return np.asarray(original)[indices]
    return array


def _unique_codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct labels and each label's position among them (np.unique with
    return_inverse); integer labels with a compact range are counted in O(n) instead of
    sorted, which is most of a sampler's Python-side time on large inputs."""
    if labels.dtype.kind in "iub" and labels.size:
        values = labels.reshape(-1)
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * values.size + 1024:
            shifted = values.astype(np.int64) - low
            present = np.bincount(shifted, minlength=high - low + 1) > 0
            offsets = np.flatnonzero(present)
            lookup = np.cumsum(present, dtype=np.int64) - 1
            classes = (offsets + low).astype(labels.dtype)
            return classes, lookup[shifted]
    try:
        classes, codes = np.unique(labels, return_inverse=True)
    except TypeError as error:
        raise ValueError(f"Unknown label type: y labels cannot be sorted ({error})") from None
    return classes, codes.reshape(-1).astype(np.int64)


class BaseSampler(_EstimatorBase):
    """Base class of shiftguard's samplers (imbalanced-learn's ``fit_resample`` contract).

    Subclasses set ``_sampling_type`` (``"over-sampling"``, ``"under-sampling"`` or
    ``"clean-sampling"``), ``_selects_rows`` (True when every output row is an input row,
    which gives ``sample_indices_``), and implement ``_fit_resample(problem)`` returning
    ``(X_resampled, y_codes, sample_indices)`` on the encoded problem (``sample_indices``
    None for samplers that create rows). They pass imbalanced-learn's estimator checks and
    work in ``imblearn.pipeline.Pipeline``.

    Attributes set by ``fit_resample``: ``sampling_strategy_`` (OrderedDict class ->
    count, as imbalanced-learn), ``sample_indices_`` (selection samplers),
    ``n_features_in_``, ``feature_names_in_`` (DataFrame input).
    """

    _sampling_type = "under-sampling"
    _selects_rows = True

    # -- scikit-learn / imbalanced-learn protocol ---------------------------------------
    def fit(self, X: Any, y: Any) -> BaseSampler:
        """Check the input and resolve ``sampling_strategy`` (use ``fit_resample``)."""
        self._prepare(X, y)
        return self

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Resample ``X`` and ``y``; both come back in the types they came in."""
        problem, form, target = self._prepare(X, y)
        X_res, codes, indices = self._fit_resample(problem)
        if indices is not None:
            indices = np.asarray(indices, dtype=np.int64)
            self.sample_indices_ = indices
        elif hasattr(self, "sample_indices_"):
            del self.sample_indices_
        if X_res is None:
            X_res = problem.X[indices]
        if codes is None:
            codes = problem.y[indices]
        return (
            _restore_features(form, X_res, indices),
            _restore_target(target, codes, problem.classes, indices),
        )

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns: the input's (samplers keep the columns)."""
        if not hasattr(self, "n_features_in_"):
            raise ValueError(f"{type(self).__name__} is not fitted; call fit_resample first")
        if input_features is None:
            if hasattr(self, "feature_names_in_"):
                return np.asarray(self.feature_names_in_, dtype=object)
            return np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)
        names = [str(n) for n in input_features]
        if len(names) != self.n_features_in_:
            raise ValueError(
                f"input_features should have length equal to the number of features "
                f"({self.n_features_in_}), got {len(names)}"
            )
        if hasattr(self, "feature_names_in_") and list(self.feature_names_in_) != names:
            raise ValueError(
                f"input_features is not equal to feature_names_in_ (the columns seen in "
                f"fit_resample): {names} != {list(self.feature_names_in_)}"
            )
        return np.asarray(names, dtype=object)

    if _HAVE_SKLEARN:

        def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
            tags = super().__sklearn_tags__()
            return _sampler_tags(tags, sample_indices=self._selects_rows)

    # -- shared machinery ----------------------------------------------------------------
    def _encode_classes(
        self, labels: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, int]]:
        """Class codes of ``labels``, the class counts and the resolved strategy (also stored
        as ``sampling_strategy_`` keyed by the user's labels); at least two classes."""
        classes, codes = _unique_codes(labels)
        counts = np.bincount(codes, minlength=len(classes)).astype(np.int64)
        if len(classes) < 2:
            raise ValueError(
                f"y must hold at least 2 classes to resample, got 1 class "
                f"({_label_name(classes[0]) if len(classes) else 'none'})"
            )
        strategy = self._resolve_strategy(labels, classes, counts)
        self.sampling_strategy_ = OrderedDict(
            (classes[code], int(count)) for code, count in strategy.items()
        )
        return classes, codes, counts, strategy

    def _prepare(self, X: Any, y: Any) -> tuple[_EncodedProblem, dict[str, Any], _TargetInfo]:
        self._check_params()
        array, form = _check_features(X)
        target = _check_target(y, array.shape[0])
        classes, codes, counts, strategy = self._encode_classes(target.array)
        self.n_features_in_ = array.shape[1]
        if form["kind"] == "frame":
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        problem = _EncodedProblem(array, codes, classes, counts, strategy)
        return problem, form, target

    def _resolve_strategy(self, labels: np.ndarray, classes: np.ndarray,
                          counts: np.ndarray) -> dict[int, int]:
        strategy = self.sampling_strategy
        if callable(strategy) and not isinstance(strategy, str):
            strategy = strategy(labels)
            if not isinstance(strategy, dict):
                raise TypeError(
                    "a callable sampling_strategy must return a dict {class: n_samples}, "
                    f"got {type(strategy).__name__}"
                )
        names = [_label_name(c) for c in classes]
        position = {}
        for code, label in enumerate(classes):
            position[label.item() if isinstance(label, np.generic) else label] = code

        def encode(label: Any) -> int | None:
            key = label.item() if isinstance(label, np.generic) else label
            try:
                return position.get(key)
            except TypeError:
                return None

        if isinstance(strategy, str):
            resolved = _core.resolve_sampling_strategy(
                strategy, counts.tolist(), self._sampling_type, names
            )
        elif isinstance(strategy, bool):
            raise TypeError("sampling_strategy must be a str, float, dict or list, got bool")
        elif isinstance(strategy, numbers.Real):
            resolved = _core.resolve_sampling_strategy(
                float(strategy), counts.tolist(), self._sampling_type, names
            )
        elif isinstance(strategy, dict):
            for label, n in strategy.items():
                if isinstance(n, bool) or not isinstance(n, (numbers.Integral, np.integer)):
                    raise TypeError(
                        f"sampling_strategy[{label!r}] must be an int number of samples, got {n!r}"
                    )
                if n < 0:
                    raise ValueError(
                        f"sampling_strategy asks a negative number of samples ({n}) for "
                        f"class {label!r}"
                    )
            missing = [label for label in strategy if encode(label) is None]
            if missing:
                raise ValueError(
                    f"sampling_strategy names class(es) {missing} not present in y "
                    f"(classes: {[_label_name(c) for c in classes]})"
                )
            encoded = {encode(label): int(n) for label, n in strategy.items()}
            resolved = _core.resolve_sampling_strategy(
                encoded, counts.tolist(), self._sampling_type, names
            )
        elif isinstance(strategy, (list, tuple, np.ndarray)):
            items = list(strategy)
            missing = [label for label in items if encode(label) is None]
            if missing:
                raise ValueError(
                    f"sampling_strategy names class(es) {missing} not present in y "
                    f"(classes: {[_label_name(c) for c in classes]})"
                )
            resolved = _core.resolve_sampling_strategy(
                [encode(label) for label in items], counts.tolist(), self._sampling_type, names
            )
        else:
            raise TypeError(
                "sampling_strategy must be a str, float, dict, list or callable, got "
                f"{type(strategy).__name__}"
            )
        return {int(code): int(n) for code, n in sorted(resolved.items())}

    def _check_params(self) -> None:
        """Subclasses check their own parameters here (called first by fit_resample)."""
        if self._sampling_type not in _SAMPLING_TYPES:  # pragma: no cover - class bug
            raise RuntimeError(f"bad _sampling_type {self._sampling_type!r}")

    def _fit_resample(
        self, problem: _EncodedProblem
    ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        raise NotImplementedError


def _sampler_tags(tags: Any, *, sample_indices: bool) -> Any:
    """scikit-learn's tags extended with what imbalanced-learn's checks read: the
    ``dataframe`` input tag and ``sampler_tags.sample_indices``."""
    import dataclasses

    from sklearn.utils import InputTags, Tags

    input_fields = {f.name: getattr(tags.input_tags, f.name) for f in dataclasses.fields(InputTags)}
    input_tags = _SamplerInputTags(**input_fields, dataframe=True)
    input_tags.sparse = False
    input_tags.allow_nan = False
    input_tags.string = False
    fields = {f.name: getattr(tags, f.name) for f in dataclasses.fields(Tags)}
    fields["input_tags"] = input_tags
    fields["estimator_type"] = "sampler"
    return _SamplerEstimatorTags(**fields, sampler_tags=_SamplerTags(sample_indices))


if _HAVE_SKLEARN:
    from sklearn.utils import InputTags as _SkInputTags
    from sklearn.utils import Tags as _SkTags

    @dataclass
    class _SamplerInputTags(_SkInputTags):
        dataframe: bool = True

    @dataclass
    class _SamplerTags:
        sample_indices: bool = False

    @dataclass
    class _SamplerEstimatorTags(_SkTags):
        sampler_tags: _SamplerTags | None = None
