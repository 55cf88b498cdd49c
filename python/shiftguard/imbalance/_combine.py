"""Over-sampling followed by cleaning: SMOTETomek and SMOTEENN (imbalanced-learn's
``imblearn.combine``, same parameters and defaults).

Each runs its ``smote`` sampler (by default shiftguard's :class:`SMOTE` with this object's
``sampling_strategy``, ``random_state`` and ``n_jobs`` threads) and then its cleaner on the
over-sampled data (by default shiftguard's ``TomekLinks`` / ``EditedNearestNeighbours`` with
``sampling_strategy="all"``). Any sampler with ``fit_resample`` (shiftguard's or
imbalanced-learn's) can be passed; it is cloned, never modified.
"""

from __future__ import annotations

from typing import Any

from ._base import BaseSampler
from ._over import SMOTE
from ._under import _threads

__all__ = ["SMOTETomek", "SMOTEENN"]


def _clone(sampler: Any, name: str) -> Any:
    if not hasattr(sampler, "fit_resample"):
        raise TypeError(
            f"{name} must be a sampler with fit_resample (for example a shiftguard or "
            f"imbalanced-learn sampler), got {type(sampler).__name__}"
        )
    try:
        from sklearn.base import clone
    except ImportError:  # pragma: no cover - scikit-learn is installed with the test extras
        return sampler
    return clone(sampler)


def _default_cleaner(class_name: str) -> Any:
    from .. import imbalance

    cls = getattr(imbalance, class_name, None)
    if cls is None:  # pragma: no cover - only before the cleaners exist
        raise ValueError(
            f"shiftguard has no {class_name} in this build; pass one explicitly"
        )
    return cls(sampling_strategy="all")


class _BaseCombine(BaseSampler):
    _sampling_type = "over-sampling"
    _selects_rows = False
    _cleaner_parameter = ""
    _cleaner_class = ""

    def _check_params(self) -> None:
        super()._check_params()
        _threads(self.n_jobs)

    def _samplers(self) -> tuple[Any, Any]:
        if self.smote is None:
            smote = SMOTE(
                sampling_strategy=self.sampling_strategy,
                random_state=self.random_state,
                n_threads=_threads(self.n_jobs) or None,
            )
        else:
            smote = _clone(self.smote, "smote")
        cleaner = getattr(self, self._cleaner_parameter)
        if cleaner is None:
            cleaner = _default_cleaner(self._cleaner_class)
            cleaner.set_params(n_jobs=self.n_jobs)
        else:
            cleaner = _clone(cleaner, self._cleaner_parameter)
        return smote, cleaner

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Over-sample with ``smote``, then clean with the cleaner; the input types are kept."""
        self._prepare(X, y)  # checks the input, sets sampling_strategy_ and n_features_in_
        smote, cleaner = self._samplers()
        X_over, y_over = smote.fit_resample(X, y)
        X_res, y_res = cleaner.fit_resample(X_over, y_over)
        self.smote_ = smote
        setattr(self, self._cleaner_parameter + "_", cleaner)
        return X_res, y_res


class SMOTETomek(_BaseCombine):
    """SMOTE over-sampling, then removal of Tomek links (Batista et al., 2004).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Passed to the default SMOTE (see :class:`SMOTE`).
    random_state : int, RandomState instance or None, default=None
        Passed to the default SMOTE.
    smote : sampler or None, default=None
        The over-sampler; None means ``SMOTE(sampling_strategy, random_state)`` on
        ``n_jobs`` threads.
    tomek : sampler or None, default=None
        The cleaner; None means shiftguard's ``TomekLinks(sampling_strategy="all")``.
    n_jobs : int or None, default=None
        Threads of the default samplers (None or -1 = all cores); results do not depend on
        it.

    Attributes
    ----------
    smote_, tomek_ : samplers
        The fitted clones.
    sampling_strategy_, n_features_in_
        As for :class:`SMOTE`.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import SMOTETomek
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (90, 2)), rng.normal(1, 1, (20, 2))])
    >>> y = np.array([0] * 90 + [1] * 20)
    >>> X_res, y_res = SMOTETomek(random_state=0).fit_resample(X, y)
    >>> len(y_res) <= 180
    True
    """

    _cleaner_parameter = "tomek"
    _cleaner_class = "TomekLinks"

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        smote: Any = None,
        tomek: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.tomek = tomek
        self.n_jobs = n_jobs


class SMOTEENN(_BaseCombine):
    """SMOTE over-sampling, then edited nearest neighbours cleaning (Batista et al., 2004).

    Parameters
    ----------
    sampling_strategy, random_state, smote, n_jobs
        As for :class:`SMOTETomek`.
    enn : sampler or None, default=None
        The cleaner; None means shiftguard's ``EditedNearestNeighbours(sampling_strategy="all")``.

    Attributes
    ----------
    smote_, enn_ : samplers
        The fitted clones.
    sampling_strategy_, n_features_in_
        As for :class:`SMOTE`.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.imbalance import SMOTEENN
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (90, 2)), rng.normal(1, 1, (20, 2))])
    >>> y = np.array([0] * 90 + [1] * 20)
    >>> X_res, y_res = SMOTEENN(random_state=0).fit_resample(X, y)
    >>> len(y_res) < 180
    True
    """

    _cleaner_parameter = "enn"
    _cleaner_class = "EditedNearestNeighbours"

    def __init__(
        self,
        *,
        sampling_strategy: Any = "auto",
        random_state: Any = None,
        smote: Any = None,
        enn: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.enn = enn
        self.n_jobs = n_jobs
