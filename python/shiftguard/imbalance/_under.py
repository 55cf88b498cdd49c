"""Random over/under-sampling, Tomek links, edited nearest neighbours and NearMiss with
imbalanced-learn 0.14's parameters, defaults and results (the heavy work in C++:
``shiftguard/imbalance/under_sampling.hpp``)."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from .. import _core
from ._base import BaseSampler, _check_int, _EncodedProblem

__all__ = [
    "EditedNearestNeighbours",
    "NearMiss",
    "RandomOverSampler",
    "RandomUnderSampler",
    "TomekLinks",
]


def _threads(n_jobs: Any) -> int:
    """imbalanced-learn's n_jobs: None or -1 mean all cores here (the result does not
    depend on it), a positive int that many threads."""
    if n_jobs is None or (isinstance(n_jobs, (numbers.Integral, np.integer))
                          and not isinstance(n_jobs, bool) and n_jobs == -1):
        return 0
    return _check_int(n_jobs, "n_jobs", 1)


def _legacy_random_state(random_state: Any) -> np.random.RandomState:
    """scikit-learn's check_random_state: None is NumPy's global RandomState."""
    if random_state is None or random_state is np.random:
        return np.random.mtrand._rand
    if isinstance(random_state, (numbers.Integral, np.integer)) and not isinstance(
        random_state, bool
    ):
        return np.random.RandomState(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return random_state
    raise ValueError(
        f"random_state must be None, an int or a numpy.random.RandomState, got {random_state!r}"
    )


def _draw(function: Any, random: np.random.RandomState) -> np.ndarray:
    """Runs a C++ draw, ``function(key, position)``, on the RandomState's own MT19937 state
    and advances it, so the rows are those RandomState.choice gives (and imbalanced-learn)."""
    name, key, position, has_gauss, cached = random.get_state(legacy=True)
    rows, key, position = function(np.asarray(key, dtype=np.uint32), int(position))
    random.set_state((name, key, position, has_gauss, cached))
    return rows


class RandomUnderSampler(BaseSampler):
    """Under-sample the targeted classes by picking rows at random.

    Parameters and defaults as ``imblearn.under_sampling.RandomUnderSampler`` 0.14. The
    rows are drawn by the C++ core from the MT19937 state of the NumPy ``RandomState`` that
    ``random_state`` designates, exactly as ``RandomState.choice`` draws them, so a given
    seed keeps the same rows as imbalanced-learn (and advances a passed RandomState the
    same way).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
        Which classes to shrink and to what size (``'auto'``: every class but the minority
        down to the minority's size; a float r in (0, 1], binary only: the majority keeps
        int(n_minority / r); a dict: class -> rows to keep).
    random_state : int, RandomState or None, default=None
        Seed (0 <= seed < 2**32) or generator; None uses NumPy's global RandomState.
    replacement : bool, default=False
        Draw with replacement.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Class -> number of rows kept, for the targeted classes.
    sample_indices_ : ndarray of int64
        Rows of the input that were kept, class by class.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import RandomUnderSampler
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    >>> X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([3, 3])
    """

    _sampling_type = "under-sampling"

    def __init__(self, *, sampling_strategy: Any = "auto", random_state: Any = None,
                 replacement: bool = False) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.replacement = replacement

    def _check_params(self) -> None:
        if not isinstance(self.replacement, (bool, np.bool_)):
            raise TypeError(f"replacement must be a bool, got {self.replacement!r}")
        _legacy_random_state(self.random_state)

    def _fit_resample(self, problem: _EncodedProblem) -> tuple[Any, Any, np.ndarray]:
        random = _legacy_random_state(self.random_state)
        rows = _draw(
            lambda key, position: _core.random_under_sampling(
                problem.y, problem.strategy, key, position, bool(self.replacement)
            ),
            random,
        )
        return None, None, rows


class RandomOverSampler(BaseSampler):
    """Over-sample the targeted classes by repeating rows drawn at random (bootstrap).

    Parameters and defaults as ``imblearn.over_sampling.RandomOverSampler`` 0.14, except
    that ``shrinkage`` (the smoothed bootstrap) is not implemented: only ``None`` is
    accepted. The repeated rows are drawn by the C++ core from the ``RandomState``'s own
    MT19937 state as ``RandomState.choice(..., replace=True)`` draws them, so a given seed
    repeats the same rows as imbalanced-learn.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
        Which classes to grow and to what size (``'auto'``: every class but the majority up
        to the majority's size; a float r, binary only: the minority grows to
        int(r * n_majority); a dict: class -> target size).
    random_state : int, RandomState or None, default=None
        Seed or generator; None uses NumPy's global RandomState.
    shrinkage : None
        Only None (plain bootstrap).

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        Class -> number of rows added.
    sample_indices_ : ndarray of int64
        Rows of the input behind each output row: 0..n-1, then the repeated rows.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import RandomOverSampler
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    >>> X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res)
    array([7, 7])
    """

    _sampling_type = "over-sampling"

    def __init__(self, *, sampling_strategy: Any = "auto", random_state: Any = None,
                 shrinkage: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.shrinkage = shrinkage

    def _check_params(self) -> None:
        if self.shrinkage is not None:
            raise ValueError(
                f"shrinkage={self.shrinkage!r} is not supported: shiftguard's "
                "RandomOverSampler implements the plain bootstrap only (shrinkage=None)"
            )
        _legacy_random_state(self.random_state)

    def _fit_resample(self, problem: _EncodedProblem) -> tuple[Any, Any, np.ndarray]:
        random = _legacy_random_state(self.random_state)
        rows = _draw(
            lambda key, position: _core.random_over_sampling(
                problem.y, problem.strategy, key, position
            ),
            random,
        )
        return None, None, rows


class TomekLinks(BaseSampler):
    """Remove the rows of the targeted classes that sit in a Tomek link.

    Two rows of different classes form a Tomek link when each is the other's nearest
    neighbour (exact Euclidean search, ties by the smaller row number). Parameters and
    defaults as ``imblearn.under_sampling.TomekLinks`` 0.14.

    Parameters
    ----------
    sampling_strategy : str or list, default='auto'
        Classes to clean (``'auto'``: all but the minority; or a list of classes).
    n_jobs : int or None, default=None
        Threads; None or -1 use all cores (the result never depends on it).

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
        The cleaned classes (counts as imbalanced-learn reports them).
    sample_indices_ : ndarray of int64
        Rows kept, increasing.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import TomekLinks
    >>> X = np.array([[0.0], [1.0], [1.1], [3.0], [4.0], [6.0]])
    >>> y = np.array([1, 1, 0, 1, 0, 1])
    >>> sampler = TomekLinks()
    >>> sampler.fit_resample(X, y)[1]
    array([1, 0, 0, 1])
    >>> sampler.sample_indices_  # links (1, 2) and (3, 4) lose their majority rows
    array([0, 2, 4, 5])
    """

    _sampling_type = "clean-sampling"

    def __init__(self, *, sampling_strategy: Any = "auto", n_jobs: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.n_jobs = n_jobs

    def _check_params(self) -> None:
        _threads(self.n_jobs)

    def _fit_resample(self, problem: _EncodedProblem) -> tuple[Any, Any, np.ndarray]:
        rows = _core.tomek_links(problem.X, problem.y, problem.strategy, _threads(self.n_jobs))
        return None, None, rows


class EditedNearestNeighbours(BaseSampler):
    """Remove the rows of the targeted classes that disagree with their neighbours.

    A row is kept when its ``n_neighbors`` nearest other rows all share its class
    (``kind_sel='all'``) or when their most common class is its class (``'mode'``; ties go
    to the smallest class). Parameters and defaults as
    ``imblearn.under_sampling.EditedNearestNeighbours`` 0.14 (``n_neighbors`` an int).

    Parameters
    ----------
    sampling_strategy : str or list, default='auto'
        Classes to clean (``'auto'``: all but the minority).
    n_neighbors : int, default=3
        Neighbours consulted (among all other rows).
    kind_sel : {'all', 'mode'}, default='all'
        Agreement rule.
    n_jobs : int or None, default=None
        Threads; None or -1 use all cores.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
    sample_indices_ : ndarray of int64
        Rows kept, class by class.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import EditedNearestNeighbours
    >>> X = np.array([[0.0], [0.1], [0.2], [0.3], [0.35], [5.0], [5.1], [5.2]])
    >>> y = np.array([1, 1, 1, 0, 1, 0, 0, 1])
    >>> EditedNearestNeighbours().fit_resample(X, y)[1]  # 'all': every class-1 row has a 0 near
    array([0, 0, 0])
    >>> EditedNearestNeighbours(kind_sel="mode").fit_resample(X, y)[1]
    array([0, 0, 0, 1, 1, 1, 1])
    """

    _sampling_type = "clean-sampling"

    def __init__(self, *, sampling_strategy: Any = "auto", n_neighbors: int = 3,
                 kind_sel: str = "all", n_jobs: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    def _check_params(self) -> None:
        _check_int(self.n_neighbors, "n_neighbors", 1)
        if self.kind_sel not in ("all", "mode"):
            raise ValueError(f"kind_sel must be 'all' or 'mode', got {self.kind_sel!r}")
        _threads(self.n_jobs)

    def _fit_resample(self, problem: _EncodedProblem) -> tuple[Any, Any, np.ndarray]:
        n_samples = problem.X.shape[0]
        if self.n_neighbors > n_samples - 1:
            raise ValueError(
                f"n_neighbors={self.n_neighbors} needs at least {self.n_neighbors + 1} "
                f"samples, got {n_samples}"
            )
        rows = _core.edited_nearest_neighbours(
            problem.X, problem.y, problem.strategy, self.n_neighbors, self.kind_sel,
            _threads(self.n_jobs),
        )
        return None, None, rows


class NearMiss(BaseSampler):
    """Under-sample the targeted classes keeping the rows closest to the minority class.

    Version 1 keeps the rows with the smallest sum of distances to their ``n_neighbors``
    nearest minority rows; version 2 those with the smallest sum of distances to their
    ``n_neighbors`` farthest minority rows; version 3 first takes, around each minority row,
    its ``n_neighbors_ver3`` nearest rows of the class, then keeps among them those with
    the largest sum of distances to their ``n_neighbors`` nearest minority rows (and warns
    when there are fewer of them than asked, keeping them all). Equal sums keep the earlier
    row. The minority class is the smallest (ties: the class seen first in ``y``).
    Parameters and defaults as ``imblearn.under_sampling.NearMiss`` 0.14 (``n_neighbors``
    ints).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
    version : {1, 2, 3}, default=1
    n_neighbors : int, default=3
        Minority neighbours summed over.
    n_neighbors_ver3 : int, default=3
        Version 3: rows of the class taken around each minority row.
    n_jobs : int or None, default=None
        Threads; None or -1 use all cores.

    Attributes
    ----------
    sampling_strategy_ : OrderedDict
    sample_indices_ : ndarray of int64
        Rows kept, class by class.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import NearMiss
    >>> X = np.array([[0.0], [0.5], [1.0], [2.0], [3.0], [4.0], [5.0], [9.0]])
    >>> y = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    >>> sampler = NearMiss(version=1)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res[y_res == 1].ravel()
    array([2., 3., 4.])
    """

    _sampling_type = "under-sampling"

    def __init__(self, *, sampling_strategy: Any = "auto", version: int = 1,
                 n_neighbors: int = 3, n_neighbors_ver3: int = 3, n_jobs: Any = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.version = version
        self.n_neighbors = n_neighbors
        self.n_neighbors_ver3 = n_neighbors_ver3
        self.n_jobs = n_jobs

    def _check_params(self) -> None:
        if isinstance(self.version, bool) or self.version not in (1, 2, 3):
            raise ValueError(f"version must be 1, 2 or 3, got {self.version!r}")
        _check_int(self.n_neighbors, "n_neighbors", 1)
        _check_int(self.n_neighbors_ver3, "n_neighbors_ver3", 1)
        _threads(self.n_jobs)

    def _fit_resample(self, problem: _EncodedProblem) -> tuple[Any, Any, np.ndarray]:
        counts = problem.class_counts
        first_seen = np.unique(problem.y, return_index=True)[1]
        # minority: smallest class, ties by first appearance in y (as imbalanced-learn)
        minority = min(range(len(counts)), key=lambda c: (counts[c], first_seen[c]))
        if self.n_neighbors > counts[minority]:
            raise ValueError(
                f"n_neighbors={self.n_neighbors} exceeds the {counts[minority]} samples of "
                f"the minority class {problem.class_name(minority)}"
            )
        if self.version == 3:
            for code in problem.strategy:
                if self.n_neighbors_ver3 > counts[code]:
                    raise ValueError(
                        f"n_neighbors_ver3={self.n_neighbors_ver3} exceeds the {counts[code]} "
                        f"samples of class {problem.class_name(code)}"
                    )
        rows, short = _core.near_miss(
            problem.X, problem.y, problem.strategy, int(self.version), self.n_neighbors,
            self.n_neighbors_ver3, _threads(self.n_jobs),
        )
        if short:
            names = ", ".join(problem.class_name(c) for c in short)
            warnings.warn(
                f"NearMiss version 3 found fewer candidate rows than asked for class(es) "
                f"{names}; all candidates are kept and the classes are not balanced",
                UserWarning,
                stacklevel=3,
            )
        return None, None, rows
