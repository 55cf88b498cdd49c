"""SMOTE family of over-samplers: SMOTE, BorderlineSMOTE, ADASYN and SMOTENC.

Each sampler follows imbalanced-learn's ``fit_resample`` contract and its 0.14 defaults: the
original samples come first and unchanged, then the synthetic samples of each class in
increasing label order. The work runs in the C++ core
(``include/shiftguard/imbalance/over_sampling.hpp``): exact nearest neighbours and a parallel,
seeded generation whose result does not depend on the number of threads.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np

from .. import _core
from .._validation import check_n_threads
from ._base import BaseSampler

__all__ = ["SMOTE", "BorderlineSMOTE", "ADASYN", "SMOTENC"]


def _neighbors_count(value: Any, name: str) -> int:
    """Number of neighbours from an int, or from a NearestNeighbors-like object.

    An object's ``n_neighbors`` counts the sample itself, as in imbalanced-learn (which
    queries it and drops the first column), so ``n_neighbors - 1`` neighbours are used.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int or a NearestNeighbors-like object, got bool")
    if isinstance(value, Integral):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
        return int(value)
    n_neighbors = getattr(value, "n_neighbors", None)
    if isinstance(n_neighbors, Integral) and not isinstance(n_neighbors, bool):
        if n_neighbors < 2:
            raise ValueError(
                f"{name}.n_neighbors must be >= 2 (it counts the sample itself), "
                f"got {n_neighbors}"
            )
        return int(n_neighbors) - 1
    raise TypeError(
        f"{name} must be an int or an object with an int n_neighbors attribute "
        f"(such as sklearn.neighbors.NearestNeighbors), got {type(value).__name__}"
    )


def _seed_from(random_state: Any) -> int:
    """A 64-bit seed for the core from an int, a RandomState/Generator or None (NumPy's
    global RandomState, so ``np.random.seed`` makes it reproducible, as in scikit-learn)."""
    if isinstance(random_state, bool):
        raise TypeError("random_state must be an int, a RandomState or None, got bool")
    if random_state is None:
        # NumPy's global RandomState, as scikit-learn's check_random_state(None).
        return int(np.random.randint(np.iinfo(np.int32).max))  # noqa: NPY002
    if isinstance(random_state, Integral):
        if random_state < 0 or random_state >= 2**64:
            raise ValueError(f"random_state must be in [0, 2**64), got {random_state}")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**63))
    raise TypeError(
        f"random_state must be an int, a numpy RandomState/Generator or None, "
        f"got {type(random_state).__name__}"
    )


def _check_class_sizes(targets: dict[int, int], counts: np.ndarray, classes: np.ndarray, k: int,
                       pool: str, parameter: str, adapt: bool) -> None:
    from ._base import _label_name

    for code in targets:
        size = int(counts[code]) if pool == "class" else int(counts.sum())
        if size - 1 >= k or (adapt and size >= 2):
            continue
        name = _label_name(classes[code])
        n_class = int(counts[code])
        where = "" if pool == "class" else f" (the whole data has {size})"
        remedy = (
            "a class needs at least 2 samples to have a neighbour"
            if adapt or size < 2
            else f"lower {parameter} or set adapt_k_neighbors=True"
        )
        raise ValueError(
            f"class {name} has {n_class} sample{'s' if n_class != 1 else ''}{where}, fewer than "
            f"{parameter} + 1 = {k + 1}; {remedy}"
        )


def _call_core(function: Any, classes: np.ndarray, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Calls the core; its messages name classes by code, which become the user's labels."""
    import re

    from ._base import _label_name

    try:
        return function(*args, **kwargs)
    except _core.Error as error:
        message = re.sub(
            r"class (\d+)",
            lambda m: f"class {_label_name(classes[int(m.group(1))])}"
            if int(m.group(1)) < len(classes) else m.group(0),
            str(error),
        )
        raise ValueError(message) from None


class _BaseSMOTE(BaseSampler):
    """Shared parameters, checks and the call into the core."""

    _sampling_type = "over-sampling"
    _selects_rows = False

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        k_neighbors: Any = 5,
        adapt_k_neighbors: bool = False,
        n_threads: int | None = None,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.adapt_k_neighbors = adapt_k_neighbors
        self.n_threads = n_threads

    def _check_params(self) -> None:
        super()._check_params()
        if not isinstance(self.adapt_k_neighbors, (bool, np.bool_)):
            raise TypeError(
                f"adapt_k_neighbors must be a bool, got {type(self.adapt_k_neighbors).__name__}"
            )
        check_n_threads(self.n_threads)

    def _common_arguments(self) -> dict[str, Any]:
        return {
            "seed": _seed_from(self.random_state),
            "n_threads": check_n_threads(self.n_threads),
            "adapt_k_neighbors": bool(self.adapt_k_neighbors),
        }

    def _targets(self, problem: Any, k: int, pool: str = "class",
                 parameter: str = "k_neighbors") -> dict[int, int]:
        """The classes to over-sample; checks each has more than k samples (pool "class") or
        that the data has (pool "all"), with the class's own label in the message."""
        targets = {int(code): int(n) for code, n in problem.strategy.items() if n > 0}
        _check_class_sizes(targets, problem.class_counts, problem.classes, k, pool, parameter,
                           bool(self.adapt_k_neighbors))
        return targets

    def _finish(self, problem: Any, result: dict[str, Any]):
        """Original rows first and unchanged, then the synthetic ones (imbalanced-learn's
        order); k actually used per class."""
        classes = problem.classes
        self.k_neighbors_used_ = {
            classes[code]: int(k) for code, k in dict(result["k_used"]).items()
        }
        X_res = np.concatenate([problem.X, result["x"]])
        y_res = np.concatenate([problem.y, result["y"]])
        return X_res, y_res, None


class SMOTE(_BaseSMOTE):
    """Synthetic Minority Over-sampling TEchnique (Chawla et al., 2002).

    Each synthetic sample lies on the segment between a sample of the class being
    over-sampled and one of its ``k_neighbors`` nearest neighbours in that class:
    ``x_new = x_i + gap * (x_nn - x_i)`` with the pair (sample, neighbour) drawn uniformly and
    ``gap`` uniform in [0, 1). Neighbours are exact (Euclidean).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Which classes to over-sample and to what size, with imbalanced-learn's meaning:
        ``"auto"`` (= ``"not majority"``), ``"minority"``, ``"not minority"``, ``"all"``; a
        float ``r`` (binary targets) brings the minority class to ``int(r * n_majority)``; a
        dict gives the target size of each class; a callable ``f(y) -> dict``.
    random_state : int, RandomState instance or None, default=None
        Seed of the generation. The same seed gives the same samples for any ``n_threads``.
        A RandomState draws the seed from itself; None draws a fresh one.
    k_neighbors : int or NearestNeighbors-like object, default=5
        Number of nearest neighbours of the same class a synthetic sample may move towards.
        An object with an ``n_neighbors`` attribute (such as
        ``sklearn.neighbors.NearestNeighbors``) is read, not used: as in imbalanced-learn its
        ``n_neighbors`` counts the sample itself, so ``n_neighbors - 1`` neighbours are used
        (shiftguard always searches exactly, with its own neighbour code).
    adapt_k_neighbors : bool, default=False
        When a class has ``k_neighbors`` samples or fewer: False raises ``ValueError`` naming
        the class and its size; True uses ``class size - 1`` neighbours for that class.
    n_threads : int or None, default=None
        Threads of the C++ core (None = all cores). Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples added per class.
    k_neighbors_used_ : dict
        Neighbours actually used per over-sampled class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import SMOTE
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (90, 2)), rng.normal(2, 1, (10, 2))])
    >>> y = np.array([0] * 90 + [1] * 10)
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [90, 90]
    >>> bool(np.array_equal(X_res[:100], X))
    True
    """

    def _fit_resample(self, problem: Any):
        k = _neighbors_count(self.k_neighbors, "k_neighbors")
        result = _call_core(
            _core.smote,
            problem.classes,
            problem.X,
            problem.y,
            self._targets(problem, k),
            k_neighbors=k,
            **self._common_arguments(),
        )
        return self._finish(problem, result)


class BorderlineSMOTE(_BaseSMOTE):
    """Borderline-SMOTE (Han et al., 2005): SMOTE seeded only by samples in danger.

    A sample of the class being over-sampled is *in danger* when, among its ``m_neighbors``
    nearest neighbours in the whole data set, the number ``n`` from other classes satisfies
    ``m_neighbors / 2 <= n < m_neighbors`` (imbalanced-learn's rule). Only those samples seed
    synthetic samples; a class without any gets none.

    - ``kind="borderline-1"``: the partner is one of the seed's ``k_neighbors`` nearest
      neighbours in its class, at a gap uniform in [0, 1).
    - ``kind="borderline-2"``: the partner is one of the seed's ``k_neighbors`` nearest
      neighbours in the whole data set; towards a sample of another class the gap is
      ``u * v`` with ``u`` uniform in [0, 1) and ``v`` in [0, 0.5), so the new sample stays
      nearer the seed (as imbalanced-learn 0.14 does).

    Parameters
    ----------
    sampling_strategy, random_state, k_neighbors, adapt_k_neighbors, n_threads
        As for :class:`SMOTE`.
    m_neighbors : int or NearestNeighbors-like object, default=10
        Neighbours (all classes) that decide whether a sample is in danger; an object's
        ``n_neighbors - 1`` is used, as for ``k_neighbors``.
    kind : {"borderline-1", "borderline-2"}, default="borderline-1"

    Attributes
    ----------
    in_danger_indices : dict
        Rows of the input in danger, per over-sampled class (imbalanced-learn's name).
    sampling_strategy_, k_neighbors_used_, n_features_in_
        As for :class:`SMOTE`.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import BorderlineSMOTE
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (90, 2)), rng.normal(1, 1, (30, 2))])
    >>> y = np.array([0] * 90 + [1] * 30)
    >>> sampler = BorderlineSMOTE(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [90, 90]
    >>> bool(set(sampler.in_danger_indices[1]) <= set(range(90, 120)))
    True
    """

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        k_neighbors: Any = 5,
        m_neighbors: Any = 10,
        kind: str = "borderline-1",
        adapt_k_neighbors: bool = False,
        n_threads: int | None = None,
    ) -> None:
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            adapt_k_neighbors=adapt_k_neighbors,
            n_threads=n_threads,
        )
        self.m_neighbors = m_neighbors
        self.kind = kind

    def _check_params(self) -> None:
        super()._check_params()
        if self.kind not in ("borderline-1", "borderline-2"):
            raise ValueError(
                f"kind must be 'borderline-1' or 'borderline-2', got {self.kind!r}"
            )

    def _fit_resample(self, problem: Any):
        k = _neighbors_count(self.k_neighbors, "k_neighbors")
        pool = "class" if self.kind == "borderline-1" else "all"
        result = _call_core(
            _core.borderline_smote,
            problem.classes,
            problem.X,
            problem.y,
            self._targets(problem, k, pool),
            k_neighbors=k,
            m_neighbors=_neighbors_count(self.m_neighbors, "m_neighbors"),
            kind=self.kind,
            **self._common_arguments(),
        )
        self.in_danger_indices = {
            problem.classes[code]: np.asarray(rows)
            for code, rows in result["danger_indices"].items()
        }
        return self._finish(problem, result)


class ADASYN(_BaseSMOTE):
    """ADAptive SYNthetic sampling (He et al., 2008).

    Like SMOTE, but harder samples seed more synthetic samples: sample ``i`` of the class
    has ratio ``r_i`` = (neighbours of another class among its ``n_neighbors`` nearest in the
    whole data) / ``n_neighbors`` and seeds ``rint(n_new * r_i / sum(r))`` samples, each towards
    one of its ``n_neighbors`` nearest neighbours in the class at a uniform gap. Because of the
    rounding, the number of samples added may differ slightly from the target (as in
    imbalanced-learn).

    Parameters
    ----------
    sampling_strategy, random_state, adapt_k_neighbors, n_threads
        As for :class:`SMOTE`.
    n_neighbors : int or NearestNeighbors-like object, default=5
        Neighbours for both the ratios and the generation (an object's ``n_neighbors - 1``).

    Attributes
    ----------
    samples_per_seed_ : dict
        Per over-sampled class, the number of synthetic samples each of its rows seeded.
    sampling_strategy_, k_neighbors_used_, n_features_in_
        As for :class:`SMOTE`.

    Raises
    ------
    ValueError
        When no neighbour of any sample of a class belongs to another class (imbalanced-learn
        raises RuntimeError there), or the rounding leaves nothing to generate.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import ADASYN
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (90, 2)), rng.normal(1, 1, (30, 2))])
    >>> y = np.array([0] * 90 + [1] * 30)
    >>> sampler = ADASYN(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> int((y_res == 1).sum()) - 30 == int(sampler.samples_per_seed_[1].sum())
    True
    """

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        n_neighbors: Any = 5,
        adapt_k_neighbors: bool = False,
        n_threads: int | None = None,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.adapt_k_neighbors = adapt_k_neighbors
        self.n_threads = n_threads

    def _fit_resample(self, problem: Any):
        k = _neighbors_count(self.n_neighbors, "n_neighbors")
        result = _call_core(
            _core.adasyn,
            problem.classes,
            problem.X,
            problem.y,
            self._targets(problem, k, parameter="n_neighbors"),
            n_neighbors=k,
            **self._common_arguments(),
        )
        self.samples_per_seed_ = {
            problem.classes[code]: np.asarray(counts)
            for code, counts in result["samples_per_seed"].items()
        }
        return self._finish(problem, result)


def _frame_module():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return None
    return pd


class SMOTENC(_BaseSMOTE):
    """SMOTE for data with continuous and categorical features (SMOTE-NC, Chawla et al. 2002).

    For each class to over-sample, ``med`` is the median over the continuous features of their
    standard deviation within the class. Neighbours are found with the squared Euclidean
    distance of the continuous features plus ``med**2`` for each categorical feature on which
    two samples differ (what imbalanced-learn's scaled one-hot encoding amounts to). A
    synthetic sample interpolates the continuous features as :class:`SMOTE` does; each of its
    categorical features takes the most frequent value among the ``k_neighbors`` nearest
    neighbours of its seed (ties broken at random).

    Parameters
    ----------
    categorical_features : "auto" or array-like
        Which columns are categorical: column indices, a boolean mask of length
        ``n_features``, column names (DataFrame input), or ``"auto"`` for the columns of
        ``pandas.CategoricalDtype`` of a DataFrame (as imbalanced-learn 0.14).
    sampling_strategy, random_state, k_neighbors, adapt_k_neighbors, n_threads
        As for :class:`SMOTE`.

    Attributes
    ----------
    categorical_features_, continuous_features_ : ndarray of int64
        Column indices of each kind.
    median_std_ : dict
        ``med`` per over-sampled class.
    sampling_strategy_, k_neighbors_used_, n_features_in_
        As for :class:`SMOTE`.

    Notes
    -----
    imbalanced-learn's ``categorical_encoder`` parameter is not offered: categories are
    compared for equality, which is what a full one-hot encoding does.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from shiftguard.imbalance import SMOTENC
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({
    ...     "age": rng.normal(40, 10, 60),
    ...     "colour": pd.Categorical(rng.choice(["red", "blue"], 60)),
    ... })
    >>> y = np.array([0] * 50 + [1] * 10)
    >>> X_res, y_res = SMOTENC(categorical_features="auto", random_state=0).fit_resample(X, y)
    >>> X_res.shape, np.bincount(y_res).tolist()
    ((100, 2), [50, 50])
    >>> sorted(X_res["colour"].cat.categories)
    ['blue', 'red']
    """

    def __init__(
        self,
        categorical_features: Any,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        k_neighbors: Any = 5,
        adapt_k_neighbors: bool = False,
        n_threads: int | None = None,
    ) -> None:
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
            adapt_k_neighbors=adapt_k_neighbors,
            n_threads=n_threads,
        )
        self.categorical_features = categorical_features

    def _column_kinds(self, X: Any, n_features: int, columns: list[Any] | None) -> np.ndarray:
        """Indices of the categorical columns."""
        pd = _frame_module()
        spec = self.categorical_features
        if isinstance(spec, str):
            if spec != "auto":
                raise ValueError(
                    f"categorical_features must be 'auto', indices, a boolean mask or column "
                    f"names, got {spec!r}"
                )
            if columns is None:
                raise ValueError(
                    "categorical_features='auto' needs a pandas DataFrame (it selects the "
                    f"columns of categorical dtype), got {type(X).__name__}"
                )
            return np.flatnonzero([isinstance(t, pd.CategoricalDtype) for t in X.dtypes])
        values = np.asarray(spec)
        if values.ndim != 1:
            raise ValueError(
                f"categorical_features must be 1-D (indices, mask or names), got shape "
                f"{values.shape}"
            )
        if values.dtype.kind == "b":
            if values.shape[0] != n_features:
                raise ValueError(
                    f"categorical_features as a boolean mask must have length n_features = "
                    f"{n_features}, got {values.shape[0]}"
                )
            return np.flatnonzero(values)
        if values.dtype.kind in "iu":
            bad = [int(v) for v in values if not -n_features <= v < n_features]
            if bad:
                raise ValueError(
                    f"categorical_features index {bad[0]} is out of range for {n_features} "
                    "features"
                )
            return np.unique(values.astype(np.int64) % n_features)
        if values.dtype.kind in "UO" and values.size:
            if columns is None:
                raise ValueError(
                    "categorical_features given as column names needs a pandas DataFrame, "
                    f"got {type(X).__name__}"
                )
            lookup = {str(c): i for i, c in enumerate(columns)}
            missing = [str(v) for v in values if str(v) not in lookup]
            if missing:
                raise ValueError(
                    f"categorical_features names unknown column(s) {missing} "
                    f"(columns: {[str(c) for c in columns]})"
                )
            return np.unique([lookup[str(v)] for v in values]).astype(np.int64)
        if values.size == 0:
            return np.zeros(0, dtype=np.int64)
        raise TypeError(
            f"categorical_features must be 'auto', int indices, a boolean mask or column names, "
            f"got dtype {values.dtype}"
        )

    def fit(self, X: Any, y: Any) -> SMOTENC:
        """Check the input and resolve ``sampling_strategy`` (use ``fit_resample``)."""
        self._prepare_mixed(X, y)
        return self

    def _prepare_mixed(self, X: Any, y: Any):
        from ._base import _check_target

        self._check_params()
        pd = _frame_module()
        if hasattr(X, "tocsr") or hasattr(X, "toarray"):
            raise TypeError("X is a sparse matrix; SMOTENC works on dense data (use X.toarray())")
        is_frame = pd is not None and isinstance(X, pd.DataFrame)
        if is_frame:
            columns = list(X.columns)
            array = None
        else:
            if isinstance(X, (str, bytes)):
                raise TypeError(f"X must be a 2-D array, got {type(X).__name__}")
            array = np.asarray(X)
            if array.ndim != 2:
                raise ValueError(
                    f"X must be 2-D (samples x features), got {array.ndim}-D array of shape "
                    f"{array.shape}"
                )
            columns = None
        n_samples, n_features = X.shape if is_frame else array.shape
        categorical = self._column_kinds(X, n_features, columns)
        continuous = np.setdiff1d(np.arange(n_features), categorical)
        if categorical.size == 0:
            raise ValueError(
                "SMOTE-NC needs categorical features; categorical_features selects none "
                "(use SMOTE for numerical data)"
            )
        if continuous.size == 0:
            raise ValueError(
                "SMOTE-NC needs continuous features; categorical_features selects all "
                f"{n_features} columns"
            )
        self.categorical_features_ = categorical.astype(np.int64)
        self.continuous_features_ = continuous.astype(np.int64)

        def column(j: int) -> np.ndarray:
            return X.iloc[:, j].to_numpy() if is_frame else array[:, j]

        def column_name(j: int) -> str:
            return repr(columns[j]) if is_frame else str(j)

        parts = []
        for j in continuous:
            values = column(j)
            if values.dtype.kind not in "biuf":
                try:
                    values = values.astype(np.float64)
                except (TypeError, ValueError):
                    raise TypeError(
                        f"continuous feature {column_name(j)} must hold numbers, got dtype "
                        f"{values.dtype} (list it in categorical_features if it is categorical)"
                    ) from None
            parts.append(values)
        dtype = (
            np.float32 if all(p.dtype == np.float32 for p in parts) else np.float64
        )
        continuous_array = np.empty((n_samples, continuous.size), dtype=dtype)
        for position, values in enumerate(parts):
            continuous_array[:, position] = values
        finite = np.isfinite(continuous_array)
        if not finite.all():
            row, position = np.argwhere(~finite)[0]
            kind = "NaN" if np.isnan(continuous_array[row, position]) else "an infinite value"
            raise ValueError(
                f"X contains {kind} at row {row}, column {continuous[position]}; the samplers "
                "need finite values (impute them first)"
            )
        codes = np.empty((n_samples, categorical.size), dtype=np.int64)
        self._categories = []
        for position, j in enumerate(categorical):
            values = column(j)
            found, uniques = pd.factorize(values, sort=False)
            if (found < 0).any():
                row = int(np.flatnonzero(found < 0)[0])
                raise ValueError(
                    f"categorical feature {column_name(j)} has a missing value at row {row}"
                )
            codes[:, position] = found
            self._categories.append(np.asarray(uniques))
        target = _check_target(y, n_samples)
        classes, y_codes, counts, strategy = self._encode_classes(target.array)
        self.n_features_in_ = n_features
        if is_frame:
            self.feature_names_in_ = np.asarray([str(c) for c in columns], dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return continuous_array, codes, y_codes, classes, strategy, target, array, is_frame

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Resample ``X`` and ``y``; both come back in the types they came in."""
        from ._base import _restore_target

        (continuous_array, codes, y_codes, classes, strategy, target, array,
         is_frame) = self._prepare_mixed(X, y)
        k = _neighbors_count(self.k_neighbors, "k_neighbors")
        targets = {int(c): int(n) for c, n in strategy.items() if n > 0}
        _check_class_sizes(targets, np.bincount(y_codes, minlength=len(classes)), classes, k,
                           "class", "k_neighbors", bool(self.adapt_k_neighbors))
        result = _call_core(
            _core.smote_nc,
            classes,
            continuous_array,
            codes,
            y_codes,
            targets,
            k_neighbors=k,
            **self._common_arguments(),
        )
        self.k_neighbors_used_ = {classes[c]: int(k) for c, k in dict(result["k_used"]).items()}
        self.median_std_ = {classes[c]: float(v) for c, v in dict(result["median_std"]).items()}
        n_new = result["x"].shape[0]
        new_categorical = result["categorical"]
        y_all = np.concatenate([y_codes, result["y"]])
        new_columns: dict[int, np.ndarray] = {}
        for position, j in enumerate(self.continuous_features_):
            new_columns[int(j)] = result["x"][:, position]
        for position, j in enumerate(self.categorical_features_):
            new_columns[int(j)] = self._categories[position][new_categorical[:, position]]
        if is_frame:
            pd = _frame_module()
            pieces = {}
            for j, name in enumerate(X.columns):
                original = X.iloc[:, j]
                added = new_columns[j]
                if isinstance(original.dtype, pd.CategoricalDtype):
                    values = pd.Categorical(
                        np.concatenate([np.asarray(original.astype(object)), added.astype(object)]),
                        categories=original.cat.categories,
                        ordered=original.cat.ordered,
                    )
                    pieces[name] = pd.Series(values)
                else:
                    combined = pd.Series(np.concatenate([original.to_numpy(), added]))
                    pieces[name] = combined.astype(original.dtype)
            X_res = pd.DataFrame(pieces, columns=X.columns)
        else:
            # Interpolated values are not integers: integer arrays come back as float64.
            kinds = array.dtype.kind
            out_dtype = array.dtype if kinds == "f" else (np.float64 if kinds in "biu" else object)
            added = np.empty((n_new, array.shape[1]), dtype=out_dtype)
            for j, values in new_columns.items():
                added[:, j] = values
            X_res = np.concatenate([array.astype(out_dtype, copy=False), added])
        return X_res, _restore_target(target, y_all, classes, None)
