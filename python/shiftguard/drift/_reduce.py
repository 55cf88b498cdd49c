"""Dimension reduction in front of drift detectors, black-box shift detection and the
classifier two-sample test.

- :class:`PCA` and :class:`GaussianRandomProjection` are scikit-learn-like estimators
  (``fit``/``transform``, learned state in attributes ending in ``_``) computed by the C++
  core; pass ``reduction.transform`` as ``preprocess_fn`` to any detector.
- :class:`BBSDrift` is black-box shift detection: a model's predicted probabilities, tested
  output by output with KS tests and a Bonferroni correction ("Failing Loudly", Rabanser et
  al., NeurIPS 2019).
- :class:`ClassifierDrift` trains a classifier to tell reference from current samples and
  turns its out-of-fold predictions into a p-value (:func:`classifier_two_sample_test`).
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import _core
from .._validation import as_float_matrix, check_n_threads, check_option, check_p_val
from ._batch import KSDrift

__all__ = [
    "BBSDrift",
    "ClassifierDrift",
    "ClassifierDriftResult",
    "ClassifierTestResult",
    "GaussianRandomProjection",
    "PCA",
    "classifier_two_sample_test",
    "default_drift_classifier",
]


def _check_count(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def _check_seed(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative int or None, got {value!r}")
    if not 0 <= value < 2**64:
        raise ValueError(f"{name} must be a non-negative int below 2**64, got {value}")
    return int(value)


class _Reduction:
    """Shared fit/transform plumbing of the two reductions."""

    _core_classes: tuple[Any, Any]
    _model: Any = None

    def _require_fitted(self) -> None:
        if self._model is None:
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(x) first")

    def transform(self, x: Any) -> np.ndarray:
        """Project ``x`` (n_samples, n_features) to (n_samples, n_components)."""
        self._require_fitted()
        array, _ = as_float_matrix(x, "x", dtype=self.dtype_)
        if array.shape[1] != self.n_features_in_:
            raise ValueError(
                f"x has {array.shape[1]} columns but {type(self).__name__} was fitted on "
                f"{self.n_features_in_} features"
            )
        return np.ascontiguousarray(self._model.transform(array))

    def fit_transform(self, x: Any, y: Any = None) -> np.ndarray:
        return self.fit(x, y).transform(x)

    def __call__(self, x: Any) -> np.ndarray:
        """Same as :meth:`transform`, so a fitted reduction can be a ``preprocess_fn``."""
        return self.transform(x)

    def save(self) -> bytes:
        """The fitted state in shiftguard's versioned binary format."""
        self._require_fitted()
        return bytes(self._model.save())

    @property
    def components_(self) -> np.ndarray:
        self._require_fitted()
        return np.ascontiguousarray(self._model.components)

    @property
    def n_components_(self) -> int:
        self._require_fitted()
        return int(self._model.n_components)

    @property
    def n_features_in_(self) -> int:
        self._require_fitted()
        return int(self._model.n_features)

    @classmethod
    def _load_core(cls, data: bytes) -> tuple[Any, np.dtype]:
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        float64, float32 = cls._core_classes
        try:
            return float64.load(bytes(data)), np.dtype(np.float64)
        except ValueError as error:
            if "another scalar type" not in str(error):
                raise
        return float32.load(bytes(data)), np.dtype(np.float32)


class PCA(_Reduction):
    """Principal component analysis fitted on reference data (scikit-learn's ``PCA``).

    Centres the data on the column means and keeps the ``n_components`` right singular
    vectors of largest singular value (Eigen's divide-and-conquer SVD in double precision).
    Each component's largest entry in absolute value is made positive, so projections equal
    scikit-learn's up to the sign of each column (scikit-learn >= 1.5 uses the same rule).

    Parameters
    ----------
    n_components : int or None, default None
        Components to keep; None keeps ``min(n_samples, n_features)``.
    n_threads : int or None, default None
        Threads for ``transform`` (blocks of rows); None uses every core. The result does
        not depend on it.

    Attributes
    ----------
    components_ : ndarray (n_components, n_features)
    mean_ : ndarray (n_features,)
    explained_variance_ : ndarray (n_components,)
        Variance along each component, ``s**2 / (n_samples - 1)``.
    explained_variance_ratio_ : ndarray (n_components,)
        Its fraction of the total variance.
    singular_values_ : ndarray (n_components,)

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import PCA
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5))
    >>> pca = PCA(n_components=2).fit(x)
    >>> pca.transform(x).shape
    (200, 2)
    >>> bool(pca.explained_variance_ratio_[0] >= pca.explained_variance_ratio_[1])
    True
    """

    _core_classes = (_core.PCAFloat64, _core.PCAFloat32)

    def __init__(self, n_components: int | None = None, *, n_threads: int | None = None) -> None:
        self.n_components = n_components
        self.n_threads = n_threads

    def fit(self, x: Any, y: Any = None) -> PCA:
        """Fit on ``x`` (n_samples >= 2, n_features), finite values only. Returns self."""
        requested = 0 if self.n_components is None else _check_count(
            self.n_components, "n_components", 1
        )
        threads = check_n_threads(self.n_threads)
        array, _ = as_float_matrix(x, "x")
        float64, float32 = self._core_classes
        model = (float32 if array.dtype == np.float32 else float64)(requested, threads)
        model.fit(array)
        self._model = model
        self.dtype_ = array.dtype
        return self

    @property
    def mean_(self) -> np.ndarray:
        self._require_fitted()
        return np.asarray(self._model.mean).ravel()

    @property
    def explained_variance_(self) -> np.ndarray:
        self._require_fitted()
        return np.asarray(self._model.explained_variance).ravel()

    @property
    def explained_variance_ratio_(self) -> np.ndarray:
        self._require_fitted()
        return np.asarray(self._model.explained_variance_ratio).ravel()

    @property
    def singular_values_(self) -> np.ndarray:
        self._require_fitted()
        return np.asarray(self._model.singular_values).ravel()

    @classmethod
    def load(cls, data: bytes) -> PCA:
        """Restore a PCA saved by :meth:`save`."""
        model, dtype = cls._load_core(data)
        pca = cls(int(model.n_components))
        pca._model = model
        pca.dtype_ = dtype
        return pca

    def __repr__(self) -> str:
        return f"PCA(n_components={self.n_components!r})"


class GaussianRandomProjection(_Reduction):
    """Gaussian random projection (scikit-learn's ``GaussianRandomProjection``).

    ``transform(x) = x @ components_.T`` with ``components_`` (n_components, n_features)
    drawn from N(0, 1 / n_components), so squared distances are preserved in expectation.
    The matrix depends only on ``random_state``, ``n_components`` and the number of features
    (it is not scikit-learn's matrix: NumPy's generator is not reproduced).

    Parameters
    ----------
    n_components : int or "auto", default "auto"
        "auto" uses the Johnson-Lindenstrauss bound
        ``4 log(n_samples) / (eps**2 / 2 - eps**3 / 3)`` for the samples given to ``fit``.
    eps : float, default 0.1
        Distortion allowed by the "auto" bound, in (0, 1).
    random_state : int or None, default None
        Seed; None means 0, so results are reproducible.
    n_threads : int or None, default None
        Threads for drawing the matrix and for ``transform``; None uses every core. The
        result does not depend on it.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import GaussianRandomProjection
    >>> x = np.random.default_rng(0).normal(size=(100, 500))
    >>> projection = GaussianRandomProjection(n_components=50, random_state=1).fit(x)
    >>> projection.transform(x).shape
    (100, 50)
    """

    _core_classes = (_core.GaussianRandomProjectionFloat64, _core.GaussianRandomProjectionFloat32)

    def __init__(
        self,
        n_components: int | str = "auto",
        *,
        eps: float = 0.1,
        random_state: int | None = None,
        n_threads: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.eps = eps
        self.random_state = random_state
        self.n_threads = n_threads

    def fit(self, x: Any, y: Any = None) -> GaussianRandomProjection:
        """Draw the projection matrix for the number of columns of ``x``. Returns self."""
        seed = _check_seed(self.random_state, "random_state")
        threads = check_n_threads(self.n_threads)
        array, _ = as_float_matrix(x, "x")
        if isinstance(self.n_components, str):
            if self.n_components != "auto":
                raise ValueError(
                    f"n_components must be a positive int or 'auto', got {self.n_components!r}"
                )
            if isinstance(self.eps, bool) or not isinstance(self.eps, numbers.Real):
                raise TypeError(f"eps must be a number in (0, 1), got {self.eps!r}")
            if not 0.0 < float(self.eps) < 1.0:
                raise ValueError(f"eps must be in (0, 1), got {self.eps}")
            k = int(_core.johnson_lindenstrauss_min_dim(array.shape[0], float(self.eps)))
            if k > array.shape[1]:
                raise ValueError(
                    f"eps={self.eps} and n_samples={array.shape[0]} lead to a target dimension "
                    f"of {k}, larger than the {array.shape[1]} features; give n_components"
                )
        else:
            k = _check_count(self.n_components, "n_components", 1)
        float64, float32 = self._core_classes
        model = (float32 if array.dtype == np.float32 else float64)(k, seed, threads)
        model.fit(array.shape[1])
        self._model = model
        self.dtype_ = array.dtype
        return self

    @classmethod
    def load(cls, data: bytes) -> GaussianRandomProjection:
        """Restore a projection saved by :meth:`save`."""
        model, dtype = cls._load_core(data)
        projection = cls(int(model.n_components), random_state=int(model.seed))
        projection._model = model
        projection.dtype_ = dtype
        return projection

    def __repr__(self) -> str:
        return (
            f"GaussianRandomProjection(n_components={self.n_components!r}, "
            f"random_state={self.random_state!r})"
        )


def _probability_fn(model: Any) -> Callable[[Any], np.ndarray]:
    if hasattr(model, "predict_proba") and callable(model.predict_proba):
        predict = model.predict_proba
    elif callable(model):
        predict = model
    else:
        raise TypeError(
            "model must be a callable returning probabilities or an object with "
            f"predict_proba, got {type(model).__name__}"
        )

    def probabilities(x: Any) -> np.ndarray:
        out = np.asarray(predict(x))
        if out.ndim == 1:
            out = out.reshape(-1, 1)
        if out.ndim != 2:
            raise ValueError(
                f"model must return a 2-D array (n_samples, n_classes), got shape {out.shape}"
            )
        return out

    return probabilities


class BBSDrift(KSDrift):
    """Black-box shift detection: KS tests on a model's predicted probabilities.

    ``model`` (a callable such as ``clf.predict_proba``, or an object with ``predict_proba``)
    maps the reference and each batch to class probabilities; each class's probabilities are
    compared with a KS test and the p-values combined with a Bonferroni correction. Rabanser,
    Guennemann and Lipton ("Failing Loudly", NeurIPS 2019) found this the most reliable
    detector across shift types. Everything else is :class:`KSDrift`.

    Parameters
    ----------
    x_ref : array_like or pandas.DataFrame
        Reference data, as the model accepts it.
    model : callable or estimator with ``predict_proba``
    p_val : float, default 0.05
    correction : str, default "bonferroni"
        Any of :class:`KSDrift`'s corrections.
    **kwargs
        Passed to :class:`KSDrift` (alternative, method, nan_policy, n_threads, feature_names).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from shiftguard.drift import BBSDrift
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 1000)
    >>> x = rng.normal(size=(1000, 4)) + y[:, None]
    >>> clf = LogisticRegression().fit(x, y)
    >>> x_ref = rng.normal(size=(500, 4)) + rng.integers(0, 2, 500)[:, None]
    >>> x_new = rng.normal(size=(500, 4)) + (rng.random(500) < 0.9)[:, None]
    >>> BBSDrift(x_ref, clf.predict_proba).predict(x_new).is_drift
    True
    """

    def __init__(
        self,
        x_ref: Any,
        model: Any,
        p_val: float = 0.05,
        correction: str = "bonferroni",
        **kwargs: Any,
    ) -> None:
        if "preprocess_fn" in kwargs:
            raise TypeError("BBSDrift takes model, not preprocess_fn")
        self.model = model
        super().__init__(
            x_ref, p_val=p_val, correction=correction, preprocess_fn=_probability_fn(model),
            **kwargs,
        )

    def __repr__(self) -> str:
        return (
            f"BBSDrift(n_reference={self.n_reference}, n_outputs={self.n_features}, "
            f"p_val={self.p_val}, correction={self.correction!r})"
        )


@dataclass(frozen=True)
class ClassifierTestResult:
    """Outcome of :func:`classifier_two_sample_test`."""

    p_value: float
    statistic: float
    """Accuracy (binomial test) or KS statistic (ks test)."""
    accuracy: float
    """Fraction of samples with ``score > decision_threshold`` exactly when labelled 1."""
    chance_rate: float
    """Majority-class rate ``max(n_reference, n_current) / n``."""
    auc: float
    """Area under the ROC curve of the scores."""
    n_correct: int
    n_reference: int
    n_current: int
    test: str


def classifier_two_sample_test(
    scores: Any,
    labels: Any,
    test: str = "binomial",
    decision_threshold: float = 0.5,
    alternative: str = "greater",
) -> ClassifierTestResult:
    """p-value that a classifier tells reference (label 0) from current (label 1) samples.

    ``scores`` are held-out scores (higher = more likely current; probabilities for the
    binomial test). ``test="binomial"``: one-sided exact binomial test of the accuracy of the
    rule ``score > decision_threshold`` against the majority-class rate
    ``max(n0, n1) / n`` (equal to ``scipy.stats.binomtest(n_correct, n, chance_rate,
    alternative="greater")``). ``test="ks"``: KS test between the two groups' scores
    (``scipy.stats.ks_2samp(scores[labels == 0], scores[labels == 1], alternative)``).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import classifier_two_sample_test
    >>> scores = np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.55])
    >>> labels = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    >>> result = classifier_two_sample_test(scores, labels)
    >>> result.accuracy, round(result.p_value, 4), result.auc
    (0.75, 0.1445, 0.8125)
    """
    test = _check_test(test)
    alternative = check_option("alternative", alternative)
    if isinstance(decision_threshold, bool) or not isinstance(decision_threshold, numbers.Real):
        raise TypeError(f"decision_threshold must be a number, got {decision_threshold!r}")
    score_array = np.asarray(scores)
    if score_array.dtype.kind not in "fiub":
        raise TypeError(f"scores must hold numbers, got dtype {score_array.dtype}")
    if score_array.dtype != np.float32:
        score_array = score_array.astype(np.float64)
    label_array = np.asarray(labels)
    if label_array.dtype.kind not in "fiub":
        raise TypeError(f"labels must hold 0 and 1, got dtype {label_array.dtype}")
    if score_array.ndim != 1 or label_array.ndim != 1:
        raise ValueError(
            f"scores and labels must be 1-D, got shapes {score_array.shape} and {label_array.shape}"
        )
    if label_array.dtype.kind == "f" and not np.all(np.isin(label_array, (0.0, 1.0))):
        bad = label_array[~np.isin(label_array, (0.0, 1.0))][0]
        raise ValueError(f"labels must be 0 (reference) or 1 (current), got {bad}")
    raw = _core.classifier_two_sample_test(
        score_array, label_array.astype(np.int64), test, float(decision_threshold), alternative
    )
    return ClassifierTestResult(
        p_value=float(raw["p_value"]),
        statistic=float(raw["statistic"]),
        accuracy=float(raw["accuracy"]),
        chance_rate=float(raw["chance_rate"]),
        auc=float(raw["auc"]),
        n_correct=int(raw["n_correct"]),
        n_reference=int(raw["n_reference"]),
        n_current=int(raw["n_current"]),
        test=str(raw["test"]),
    )


def _check_test(test: Any) -> str:
    if test not in ("binomial", "ks"):
        raise ValueError(f"test must be 'binomial' or 'ks', got {test!r}")
    return str(test)


@dataclass(frozen=True)
class ClassifierDriftResult:
    """Verdict of :meth:`ClassifierDrift.predict`."""

    is_drift: bool
    p_value: float
    threshold: float
    """The significance level ``p_val``."""
    distance: float
    """Out-of-fold accuracy (binomial test) or AUC (ks test)."""
    accuracy: float
    auc: float
    chance_rate: float
    test: str
    n_reference: int
    n_current: int

    def to_dict(self) -> dict[str, Any]:
        """alibi-detect's layout ``{'meta': ..., 'data': {'is_drift', 'p_val', 'threshold',
        'distance'}}``."""
        from .. import __version__

        return {
            "meta": {
                "name": "ClassifierDrift",
                "online": False,
                "data_type": None,
                "version": __version__,
                "detector_type": "drift",
                "backend": "shiftguard",
            },
            "data": {
                "is_drift": int(self.is_drift),
                "p_val": self.p_value,
                "threshold": self.threshold,
                "distance": self.distance,
            },
        }


def default_drift_classifier(seed: int = 0) -> Any:
    """The classifier :class:`ClassifierDrift` trains when given none: ``StandardScaler``
    followed by ``shiftguard.nn.MLPClassifier((32,), learning_rate_init=0.01, max_iter=100,
    early_stopping=True, n_iter_no_change=5, random_state=seed)``.

    Examples
    --------
    >>> from shiftguard.drift import default_drift_classifier
    >>> default_drift_classifier(0).steps[-1][1].hidden_layer_sizes
    (32,)
    """
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ..nn import MLPClassifier

    return make_pipeline(
        StandardScaler(),
        MLPClassifier(
            (32,),
            learning_rate_init=0.01,
            max_iter=100,
            early_stopping=True,
            n_iter_no_change=5,
            random_state=seed,
        ),
    )


class ClassifierDrift:
    """Classifier two-sample drift detector (alibi-detect's ``ClassifierDrift``).

    ``predict(x)`` labels the reference 0 and ``x`` 1, trains a clone of ``model`` on each
    training split of a stratified k-fold, collects out-of-fold probabilities of label 1, and
    tests them with :func:`classifier_two_sample_test`. Drift when the p-value is below
    ``p_val``.

    Parameters
    ----------
    x_ref : array_like or pandas.DataFrame (n_samples, n_features)
    model : scikit-learn classifier or "logistic", optional
        Any estimator with ``fit`` and ``predict_proba``; cloned for every fold. Default
        (``None``): :func:`default_drift_classifier`, a standardising pipeline in front of a
        small :class:`shiftguard.nn.MLPClassifier` (one hidden layer of 32, early stopping),
        which also finds shifts a linear model cannot see (a change of spread or
        correlation). ``"logistic"``: ``LogisticRegression(max_iter=1000)``, the default
        before the MLP existed.
    p_val : float, default 0.05
    n_folds : int, default 5
        Folds of the stratified k-fold (>= 2).
    test : {"binomial", "ks"}, default "binomial"
    seed : int, default 0
        Seed of the fold shuffling (and of the model, when it has a ``random_state``).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import ClassifierDrift
    >>> rng = np.random.default_rng(0)
    >>> detector = ClassifierDrift(rng.normal(size=(300, 3)), seed=0)
    >>> detector.predict(rng.normal(size=(300, 3)) + [1.0, 0.0, 0.0]).is_drift
    True
    """

    def __init__(
        self,
        x_ref: Any,
        model: Any = None,
        p_val: float = 0.05,
        n_folds: int = 5,
        test: str = "binomial",
        seed: int = 0,
    ) -> None:
        self.p_val = check_p_val(p_val)
        self.n_folds = _check_count(n_folds, "n_folds", 2)
        self.test = _check_test(test)
        self.seed = _check_seed(seed, "seed") % 2**32
        self._default_model = model is None
        if model is None:
            model = default_drift_classifier(self.seed)
        elif isinstance(model, str) and model == "logistic":
            from sklearn.linear_model import LogisticRegression

            model = LogisticRegression(max_iter=1000)
        if not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
            raise TypeError(
                f"model must be a classifier with fit and predict_proba, got {type(model).__name__}"
            )
        self.model = model
        self.x_ref, _ = as_float_matrix(x_ref, "x_ref")
        if self.x_ref.shape[0] < self.n_folds:
            raise ValueError(
                f"x_ref has {self.x_ref.shape[0]} rows, fewer than n_folds={self.n_folds}"
            )

    def out_of_fold_scores(self, x: Any) -> tuple[np.ndarray, np.ndarray]:
        """Out-of-fold probabilities of label 1 for the stacked reference and ``x``, and the
        labels (0 reference, 1 current)."""
        from sklearn.base import clone
        from sklearn.model_selection import StratifiedKFold

        array, _ = as_float_matrix(x, "x", dtype=self.x_ref.dtype)
        if array.shape[1] != self.x_ref.shape[1]:
            raise ValueError(
                f"x has {array.shape[1]} columns but the detector was fitted on "
                f"{self.x_ref.shape[1]} features"
            )
        if array.shape[0] < self.n_folds:
            raise ValueError(f"x has {array.shape[0]} rows, fewer than n_folds={self.n_folds}")
        data = np.vstack([self.x_ref, array])
        labels = np.r_[np.zeros(self.x_ref.shape[0], np.int64), np.ones(array.shape[0], np.int64)]
        scores = np.empty(labels.shape[0], dtype=np.float64)
        folds = StratifiedKFold(n_splits=self.n_folds, shuffle=True, random_state=self.seed)
        for train, held_out in folds.split(data, labels):
            model = clone(self.model)
            if "random_state" in model.get_params():
                model.set_params(random_state=self.seed)
            with warnings.catch_warnings():
                if self._default_model:
                    # the default MLP stops early and restores its best epoch, so a rising
                    # validation loss is already handled: no OverfittingWarning per fold
                    from ..nn import OverfittingWarning

                    warnings.simplefilter("ignore", OverfittingWarning)
                model.fit(data[train], labels[train])
            column = list(model.classes_).index(1)
            scores[held_out] = model.predict_proba(data[held_out])[:, column]
        return scores, labels

    def predict(self, x: Any) -> ClassifierDriftResult:
        """Test the batch ``x`` against the reference."""
        scores, labels = self.out_of_fold_scores(x)
        result = classifier_two_sample_test(scores, labels, self.test)
        return ClassifierDriftResult(
            is_drift=result.p_value < self.p_val,
            p_value=result.p_value,
            threshold=self.p_val,
            distance=result.accuracy if self.test == "binomial" else result.auc,
            accuracy=result.accuracy,
            auc=result.auc,
            chance_rate=result.chance_rate,
            test=self.test,
            n_reference=result.n_reference,
            n_current=result.n_current,
        )

    def __repr__(self) -> str:
        return (
            f"ClassifierDrift(n_reference={self.x_ref.shape[0]}, model={self.model!r}, "
            f"p_val={self.p_val}, n_folds={self.n_folds}, test={self.test!r})"
        )
