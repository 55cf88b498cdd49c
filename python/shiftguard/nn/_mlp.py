"""Multi-layer perceptrons for tabular data, trained by the C++ core (``include/shiftguard/nn``).

:class:`MLPClassifier` and :class:`MLPRegressor` follow scikit-learn's estimator contract
(hyper-parameters in ``__init__``, learned state in attributes ending in ``_``, ``fit``
returns ``self``) and add the guard rails small projects need: class weights and
imbalance-aware losses, early stopping with the best weights restored, a learning-rate range
test, an overfitting warning, a clear error when the loss becomes NaN, temperature scaling,
magnitude pruning and int8 quantisation.
"""

from __future__ import annotations

import json
import numbers
import struct
import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted

from .. import _nn_core

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _sk_validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def _sk_validate_data(estimator: Any, *args: Any, **kwargs: Any) -> Any:
        return estimator._validate_data(*args, **kwargs)



# The compiled trainer: shiftguard._core_nn_avx (AVX+FMA) when the CPU has both features,
# else the portable one in shiftguard._core; shiftguard._nn_core makes the choice
# (SHIFTGUARD_NN_BASELINE=1 forces the portable one).
_nn = _nn_core.core

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "NaNLossError",
    "OverfittingWarning",
    "TrainingWarning",
    "LRRangeResult",
    "CompressionReport",
]

_ACTIVATIONS = ("identity", "relu", "leaky_relu", "gelu", "tanh", "sigmoid")
_SOLVERS = ("sgd", "adam", "adamw", "rmsprop")
_SCHEDULES = ("constant", "step", "cosine", "plateau")
_CLASSIFIER_LOSSES = ("cross_entropy", "focal", "logit_adjusted")
_REGRESSOR_LOSSES = ("mse", "huber")
_SAVE_MAGIC = b"SGMLPPY1"


class TrainingWarning(UserWarning):
    """A warning raised while training a :mod:`shiftguard.nn` network."""


class OverfittingWarning(TrainingWarning):
    """The validation loss rose for several epochs while the training loss fell."""


class NaNLossError(FloatingPointError):
    """The training or validation loss became NaN or infinite; the message names the epoch."""


@dataclass(frozen=True)
class LRRangeResult:
    """Outcome of :meth:`MLPClassifier.lr_find`: the learning rates tried (rising
    geometrically, one per mini-batch step), the smoothed loss at each, and the suggestion."""

    suggested_lr: float
    learning_rates: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)
    raw_losses: np.ndarray = field(repr=False)
    """The mini-batch losses before smoothing."""

    def to_frame(self) -> Any:
        """The curve as a pandas DataFrame with columns ``learning_rate``, ``loss``
        (smoothed) and ``raw_loss``."""
        import pandas as pd

        return pd.DataFrame(
            {"learning_rate": self.learning_rates, "loss": self.losses, "raw_loss": self.raw_losses}
        )

    def plot(self, ax: Any = None) -> Any:
        """Loss against learning rate (log scale) with the suggestion marked; returns the Axes."""
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        ax.plot(self.learning_rates, self.losses, label="loss")
        ax.axvline(self.suggested_lr, color="tab:red", linestyle="--", label="suggested")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        ax.legend()
        return ax


@dataclass(frozen=True)
class CompressionReport:
    """What :meth:`MLPClassifier.prune` or :meth:`MLPClassifier.quantize` changed.

    ``score_*`` is the estimator's ``score`` (accuracy or R^2) on the data passed (NaN when
    none was); ``nbytes_*`` the storage of the parameters (for pruning: nonzero values plus a
    4-byte index each, as a sparse format would store them; the dense network in memory keeps
    its size); ``latency_*_s`` the median time of one single-row prediction.
    """

    method: str
    score_before: float
    score_after: float
    nbytes_before: int
    nbytes_after: int
    latency_before_s: float
    latency_after_s: float
    sparsity: float

    @property
    def score_change(self) -> float:
        return self.score_after - self.score_before

    @property
    def size_ratio(self) -> float:
        """``nbytes_after / nbytes_before``."""
        return self.nbytes_after / self.nbytes_before

    @property
    def latency_ratio(self) -> float:
        """``latency_after_s / latency_before_s``."""
        return self.latency_after_s / self.latency_before_s

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            score_change=self.score_change,
            size_ratio=self.size_ratio,
            latency_ratio=self.latency_ratio,
        )
        return out


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is optional
        raise ImportError("plotting needs matplotlib: pip install matplotlib") from exc
    return plt


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_positive(name: str, value: Any, allow_zero: bool = False) -> float:
    if not _is_number(value) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return float(value)


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return int(value)


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def _median_latency(function: Any, row: np.ndarray, repeats: int = 200) -> float:
    function(row)
    times = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        function(row)
        times[i] = time.perf_counter() - start
    return float(np.median(times))


class _BaseMLP(BaseEstimator):
    _output_kind: str = "identity"

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 1e-4,
        batch_size: Any = "auto",
        learning_rate_init: float = 1e-3,
        lr_schedule: str = "constant",
        lr_step_size: int = 30,
        lr_gamma: float = 0.1,
        warmup_epochs: int = 0,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        rho: float = 0.99,
        clip_norm: Any = None,
        dropout: Any = 0.0,
        layer_norm: bool = False,
        init: str = "auto",
        loss: str = "",
        huber_delta: float = 1.0,
        dtype: Any = np.float32,
        n_threads: int = 1,
        verbose: int = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.lr_schedule = lr_schedule
        self.lr_step_size = lr_step_size
        self.lr_gamma = lr_gamma
        self.warmup_epochs = warmup_epochs
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.rho = rho
        self.clip_norm = clip_norm
        self.dropout = dropout
        self.layer_norm = layer_norm
        self.init = init
        self.loss = loss
        self.huber_delta = huber_delta
        self.dtype = dtype
        self.n_threads = n_threads
        self.verbose = verbose

    # ------------------------------------------------------------------ checks

    def _dtype(self) -> np.dtype:
        try:
            dtype = np.dtype(self.dtype)
        except TypeError as exc:
            raise TypeError(f"dtype must be np.float32 or np.float64, got {self.dtype!r}") from exc
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be np.float32 or np.float64, got {self.dtype!r}")
        return dtype

    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        try:
            sizes = list(sizes)
        except TypeError as exc:
            raise TypeError(
                f"hidden_layer_sizes must be a tuple of positive ints, got {sizes!r}"
            ) from exc
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
                raise ValueError(
                    f"hidden_layer_sizes must hold positive ints, got {self.hidden_layer_sizes!r}"
                )
        return [int(s) for s in sizes]

    def _activations(self, n_hidden: int) -> list[str]:
        value = self.activation
        names = [value] * n_hidden if isinstance(value, str) else list(value)
        if len(names) != n_hidden:
            raise ValueError(
                f"activation must be one name or one per hidden layer ({n_hidden}), got {value!r}"
            )
        for name in names:
            _check_choice("activation", name, _ACTIVATIONS)
        return names

    def _dropouts(self, n_hidden: int) -> list[float]:
        value = self.dropout
        rates = [value] * n_hidden if _is_number(value) else list(value)
        if len(rates) != n_hidden:
            raise ValueError(
                f"dropout must be one rate or one per hidden layer ({n_hidden}), got {value!r}"
            )
        for rate in rates:
            if not _is_number(rate) or not 0.0 <= rate < 1.0:
                raise ValueError(f"dropout rates must be in [0, 1), got {value!r}")
        return [float(r) for r in rates]

    def _loss_name(self) -> str:
        raise NotImplementedError

    def _base_config(self, n_samples: int) -> dict[str, Any]:
        if self.batch_size == "auto":
            batch = min(200, n_samples)
        else:
            batch = min(_check_int("batch_size", self.batch_size, 1), n_samples)
        solver = _check_choice("solver", self.solver, _SOLVERS)
        schedule = _check_choice("lr_schedule", self.lr_schedule, _SCHEDULES)
        clip = 0.0 if self.clip_norm is None else _check_positive("clip_norm", self.clip_norm)
        return {
            "optimizer": solver,
            "learning_rate": _check_positive("learning_rate_init", self.learning_rate_init),
            "momentum": _check_positive("momentum", self.momentum, allow_zero=True),
            "nesterov": bool(self.nesterovs_momentum),
            "beta1": _check_positive("beta_1", self.beta_1, allow_zero=True),
            "beta2": _check_positive("beta_2", self.beta_2, allow_zero=True),
            "epsilon": _check_positive("epsilon", self.epsilon),
            "rho": _check_positive("rho", self.rho, allow_zero=True),
            "weight_decay": _check_positive("alpha", self.alpha, allow_zero=True),
            "clip_norm": clip,
            "schedule": schedule,
            "step_size": _check_int("lr_step_size", self.lr_step_size, 1),
            "gamma": _check_positive("lr_gamma", self.lr_gamma),
            "warmup_epochs": _check_int("warmup_epochs", self.warmup_epochs, 0),
            "plateau_patience": max(
                1, _check_int("n_iter_no_change", self.n_iter_no_change, 1) // 2
            ),
            "plateau_factor": _check_positive("lr_gamma", self.lr_gamma),
            "min_lr": 0.0,
            "batch_size": batch,
            "max_epochs": _check_int("max_iter", self.max_iter, 1),
            "shuffle": bool(self.shuffle),
            "early_stopping": bool(self.early_stopping),
            "patience": _check_int("n_iter_no_change", self.n_iter_no_change, 1),
            "min_delta": _check_positive("tol", self.tol, allow_zero=True),
            "restore_best": True,
            "n_threads": _check_int("n_threads", self.n_threads, 1),
            "huber_delta": _check_positive("huber_delta", self.huber_delta),
            "focal_gamma": 2.0,
        }

    def _check_hyper_parameters(self, n_samples: int) -> dict[str, Any]:
        config = self._base_config(n_samples)
        fraction = self.validation_fraction
        if self.early_stopping and (not _is_number(fraction) or not 0.0 < fraction < 1.0):
            raise ValueError(f"validation_fraction must be in (0, 1), got {fraction!r}")
        self._dtype()
        n_hidden = len(self._hidden_sizes())
        self._activations(n_hidden)
        self._dropouts(n_hidden)
        _check_choice("init", self.init, ("auto", "he", "glorot"))
        return config

    # ------------------------------------------------------------------ data

    def _validate_x(self, X: Any, reset: bool) -> np.ndarray:
        if (
            not reset
            and type(X) is np.ndarray
            and X.dtype == self._fitted_dtype
            and X.ndim == 2
            and X.shape[1] == self.n_features_in_
            and X.shape[0] > 0
            and not hasattr(self, "feature_names_in_")
        ):
            # fast path for prediction (scikit-learn's validation costs far more than a
            # small network's forward pass): the same checks on a plain array of the right
            # dtype and width
            if not np.isfinite(X).all():
                what = "NaN" if np.isnan(X).any() else "infinity"
                raise ValueError(f"Input X contains {what}.")
            return X
        X = _sk_validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])
        return np.asarray(X, dtype=self._fitted_dtype if not reset else self._dtype())

    def _build_model(self, n_inputs: int, n_outputs: int, seed: int) -> Any:
        hidden = self._hidden_sizes()
        cls = _nn.MLP32 if self._dtype() == np.float32 else _nn.MLP64
        return cls(
            n_inputs,
            hidden,
            self._activations(len(hidden)),
            n_outputs,
            "sigmoid" if self._output_kind == "softmax" and n_outputs == 1 else self._output_kind,
            self._dropouts(len(hidden)),
            bool(self.layer_norm),
            str(self.init),
            int(seed),
        )

    def _encode(self, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _prepare_fit(
        self, X: Any, y: Any, sample_weight: Any, X_val: Any, y_val: Any
    ) -> tuple[np.ndarray, ...]:
        raise NotImplementedError

    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        X_val: Any = None,
        y_val: Any = None,
    ) -> Any:
        """Train the network on ``X`` (n_samples, n_features) and targets ``y``.

        Parameters
        ----------
        X : array_like or pandas.DataFrame (n_samples, n_features)
        y : array_like
            Class labels (classifier) or targets, 1-D or 2-D (regressor).
        sample_weight : array_like (n_samples,), optional
            Non-negative weight of each sample in the loss.
        X_val, y_val : optional
            A validation set; when given it is used instead of a split of ``X`` for the
            history, early stopping and the overfitting warning.

        Returns
        -------
        self
        """
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together")
        X_train, Y_train, w_train, X_v, Y_v, w_v = self._prepare_fit(
            X, y, sample_weight, X_val, y_val
        )
        config = self._check_hyper_parameters(X_train.shape[0])
        config.update(self._loss_config())
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        config["seed"] = seed
        model = self._build_model(X_train.shape[1], Y_train.shape[1], seed)
        self._run_fit(model, X_train, Y_train, w_train, X_v, Y_v, w_v, config)
        return self

    def _run_fit(
        self,
        model: Any,
        X: np.ndarray,
        Y: np.ndarray,
        w: np.ndarray,
        X_val: np.ndarray | None,
        Y_val: np.ndarray | None,
        w_val: np.ndarray | None,
        config: dict[str, Any],
    ) -> dict[str, Any]:
        progress = None
        if self.verbose:
            from tqdm.auto import tqdm

            progress = tqdm(total=config["max_epochs"], desc=type(self).__name__, unit="epoch")

        def callback(info: dict[str, Any]) -> None:
            if progress is not None:
                shown = {"loss": f"{info['train_loss']:.4g}"}
                if np.isfinite(info.get("val_loss", np.nan)):
                    shown["val_loss"] = f"{info['val_loss']:.4g}"
                progress.set_postfix(shown, refresh=False)
                progress.update(1)
            return None

        try:
            raw = _nn.nn_fit(model, X, Y, w, X_val, Y_val, w_val, config, callback)
        finally:
            if progress is not None:
                progress.close()
        self._model = model
        self._fitted_dtype = np.dtype(X.dtype)
        self._quantized = None
        if raw["stop_reason"] == "nan_loss":
            epoch = int(raw["nan_epoch"]) + 1
            raise NaNLossError(
                f"the loss became NaN or infinite at epoch {epoch} (of {config['max_epochs']}); "
                f"lower learning_rate_init (now {config['learning_rate']}), set clip_norm, or "
                "scale the features"
            )
        import pandas as pd

        n = int(raw["n_epochs"])
        self.history_ = pd.DataFrame(
            {
                "epoch": np.arange(1, n + 1),
                "train_loss": np.asarray(raw["train_loss"], dtype=np.float64)[:n],
                "val_loss": np.asarray(raw["val_loss"], dtype=np.float64)[:n],
                "val_score": np.asarray(raw["val_metric"], dtype=np.float64)[:n],
                "learning_rate": np.asarray(raw["learning_rate"], dtype=np.float64)[:n],
            }
        ).set_index("epoch")
        self.n_iter_ = n
        self.best_epoch_ = int(raw["best_epoch"]) + 1
        self.stop_reason_ = str(raw["stop_reason"])
        self.loss_curve_ = self.history_["train_loss"].tolist()
        if X_val is not None:
            self.validation_scores_ = self.history_["val_score"].tolist()
        self.n_layers_ = len(self._hidden_sizes()) + 2
        self.n_outputs_ = int(model.n_outputs)
        for message in raw["warnings"]:
            category = OverfittingWarning if "overfit" in message.lower() else TrainingWarning
            warnings.warn(message, category, stacklevel=3)
        return raw

    # ------------------------------------------------------------------ inference

    def _require_fitted(self) -> None:
        if "_model" not in self.__dict__ or "n_iter_" not in self.__dict__:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )

    def _logits(self, X: np.ndarray) -> np.ndarray:
        model = self._quantized if self._quantized is not None else self._model
        return np.asarray(model.forward(X, self.n_threads), dtype=np.float64)

    def _outputs(self, X: np.ndarray) -> np.ndarray:
        model = self._quantized if self._quantized is not None else self._model
        return np.asarray(model.predict_output(X, self.n_threads), dtype=np.float64)

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices (fan_in x fan_out) of each dense layer."""
        self._require_fitted()
        n_dense = len(self._model.layer_sizes) - 1
        return [np.asarray(layer[0]) for layer in self._model.get_weights()[:n_dense]]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors of each dense layer."""
        self._require_fitted()
        n_dense = len(self._model.layer_sizes) - 1
        return [np.asarray(layer[1]).ravel() for layer in self._model.get_weights()[:n_dense]]

    def plot_history(self, ax: Any = None, metric: bool = False) -> Any:
        """Learning curves: training and validation loss per epoch (the validation score with
        ``metric=True``), the best epoch marked; returns the matplotlib Axes."""
        check_is_fitted(self, "history_")
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        history = self.history_
        if metric:
            ax.plot(history.index, history["val_score"], label="validation score")
            ax.set_ylabel("score")
        else:
            ax.plot(history.index, history["train_loss"], label="training loss")
            if history["val_loss"].notna().any():
                ax.plot(history.index, history["val_loss"], label="validation loss")
            ax.set_ylabel("loss")
        ax.axvline(self.best_epoch_, color="grey", linestyle=":", label="best epoch")
        ax.set_xlabel("epoch")
        ax.set_title(type(self).__name__)
        ax.legend()
        return ax

    def lr_find(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        lr_min: float = 1e-6,
        lr_max: float = 1.0,
        n_steps: int = 100,
    ) -> LRRangeResult:
        """Learning-rate range test: train a fresh copy of the network for ``n_steps``
        mini-batches with the rate rising geometrically from ``lr_min`` to ``lr_max`` and
        record the loss; the suggestion is where the loss falls fastest. The estimator is not
        changed (set ``learning_rate_init`` to the suggestion yourself)."""
        lr_min = _check_positive("lr_min", lr_min)
        lr_max = _check_positive("lr_max", lr_max)
        if lr_max <= lr_min:
            raise ValueError(f"lr_max must exceed lr_min, got {lr_max} <= {lr_min}")
        n_steps = _check_int("n_steps", n_steps, 5)
        fitted = self.__dict__.copy()
        try:
            X_train, Y_train, w_train, *_ = self._prepare_fit(X, y, sample_weight, None, None)
            config = self._check_hyper_parameters(X_train.shape[0])
            config.update(self._loss_config())
            seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
            config["seed"] = seed
            model = self._build_model(X_train.shape[1], Y_train.shape[1], seed)
            raw = _nn.nn_lr_range_test(
                model, X_train, Y_train, w_train, config, lr_min, lr_max, n_steps
            )
        finally:
            self.__dict__.clear()
            self.__dict__.update(fitted)
        return LRRangeResult(
            suggested_lr=float(raw["suggested_lr"]),
            learning_rates=np.asarray(raw["lrs"], dtype=np.float64),
            losses=np.asarray(raw["losses"], dtype=np.float64),
            raw_losses=np.asarray(raw["raw_losses"], dtype=np.float64),
        )

    # ------------------------------------------------------------------ compression

    def _packed_nbytes(self) -> int:
        itemsize = self._fitted_dtype.itemsize
        weights = self._model.get_weights()
        nonzero = sum(int(np.count_nonzero(a)) for layer in weights for a in layer)
        total = int(self._model.n_parameters)
        if nonzero == total:
            return total * itemsize
        return nonzero * (itemsize + 4)

    def _compression_state(self, X: Any, y: Any) -> tuple[float, float]:
        score = float("nan") if X is None else float(self.score(X, y))
        row = np.zeros((1, self.n_features_in_), dtype=self._fitted_dtype)
        latency = _median_latency(self._logits, row)
        return score, latency

    def prune(
        self,
        sparsity: float,
        X: Any = None,
        y: Any = None,
        fine_tune_epochs: int = 0,
        scope: str = "global",
    ) -> CompressionReport:
        """Magnitude pruning: zero the fraction ``sparsity`` of the weights with the smallest
        magnitude (``scope="global"`` over all layers or ``"layer"`` per layer), then train
        ``fine_tune_epochs`` more epochs on ``X``, ``y`` keeping the pruned weights at zero.
        Returns a :class:`CompressionReport` with the score on ``X``, ``y`` before and after."""
        self._require_fitted()
        if not _is_number(sparsity) or not 0.0 <= sparsity < 1.0:
            raise ValueError(f"sparsity must be in [0, 1), got {sparsity!r}")
        fine_tune_epochs = _check_int("fine_tune_epochs", fine_tune_epochs, 0)
        if fine_tune_epochs and X is None:
            raise ValueError("fine_tune_epochs > 0 needs X and y")
        score_before, latency_before = self._compression_state(X, y)
        nbytes_before = self._packed_nbytes()
        self._quantized = None
        self._model.prune(float(sparsity), _check_choice("scope", scope, ("global", "layer")))
        if fine_tune_epochs:
            X_train, Y_train, w_train, *_ = self._prepare_fit(X, y, None, None, None, refit=False)
            config = self._check_hyper_parameters(X_train.shape[0])
            config.update(self._loss_config())
            config.update(max_epochs=fine_tune_epochs, early_stopping=False)
            config["seed"] = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
            history = self.history_
            self._run_fit(self._model, X_train, Y_train, w_train, None, None, None, config)
            self.history_ = history
        score_after, latency_after = self._compression_state(X, y)
        return CompressionReport(
            method="prune",
            score_before=score_before,
            score_after=score_after,
            nbytes_before=nbytes_before,
            nbytes_after=self._packed_nbytes(),
            latency_before_s=latency_before,
            latency_after_s=latency_after,
            sparsity=float(self._model.sparsity()),
        )

    def quantize(self, X: Any = None, y: Any = None) -> CompressionReport:
        """int8 post-training quantisation of the weights: later predictions use the
        quantised network. Returns a :class:`CompressionReport` (score on ``X``, ``y``
        before and after when given, parameter bytes, single-row latency)."""
        self._require_fitted()
        self._quantized = None
        score_before, latency_before = self._compression_state(X, y)
        nbytes_before = int(self._model.nbytes)
        self._quantized = self._model.quantize_int8()
        score_after, latency_after = self._compression_state(X, y)
        return CompressionReport(
            method="quantize_int8",
            score_before=score_before,
            score_after=score_after,
            nbytes_before=nbytes_before,
            nbytes_after=int(self._quantized.nbytes),
            latency_before_s=latency_before,
            latency_after_s=latency_after,
            sparsity=float(self._model.sparsity()),
        )

    @property
    def quantized_(self) -> bool:
        """Whether predictions use the int8 network made by :meth:`quantize`."""
        self._require_fitted()
        return self._quantized is not None

    # ------------------------------------------------------------------ persistence

    def _extra_state(self) -> dict[str, Any]:
        return {}

    def _set_extra_state(self, state: dict[str, Any]) -> None:
        pass

    def save(self) -> bytes:
        """The fitted estimator as bytes: a header (magic ``SGMLPPY1``, JSON length) with the
        hyper-parameters and learned attributes as JSON, followed by the network in the
        core's versioned, checksummed container. :meth:`load` reads it back."""
        self._require_fitted()
        params = {k: v for k, v in self.get_params().items() if k != "dtype"}
        params["hidden_layer_sizes"] = list(self._hidden_sizes())
        meta = {
            "class": type(self).__name__,
            "params": params,
            "dtype": self._fitted_dtype.name,
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": (
                [str(n) for n in self.feature_names_in_]
                if hasattr(self, "feature_names_in_")
                else None
            ),
            "history": self.history_.reset_index().to_dict(orient="list"),
            "best_epoch": self.best_epoch_,
            "stop_reason": self.stop_reason_,
            "quantized": self._quantized is not None,
            "extra": self._extra_state(),
        }
        try:
            header = json.dumps(meta).encode()
        except TypeError as exc:
            raise TypeError(f"cannot save {type(self).__name__}: {exc}") from exc
        return _SAVE_MAGIC + struct.pack("<Q", len(header)) + header + bytes(self._model.save())

    @classmethod
    def load(cls, data: bytes) -> Any:
        """Read an estimator written by :meth:`save`; fails with ValueError on anything else."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        data = bytes(data)
        if len(data) < 16 or data[:8] != _SAVE_MAGIC:
            raise ValueError(f"data is not a saved shiftguard {cls.__name__} (bad magic)")
        (length,) = struct.unpack("<Q", data[8:16])
        if length > len(data) - 16:
            raise ValueError(f"data is truncated: header of {length} bytes, {len(data) - 16} left")
        try:
            meta = json.loads(data[16 : 16 + length].decode())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"data has a corrupted header: {exc}") from exc
        if meta.get("class") != cls.__name__:
            raise ValueError(f"data holds a {meta.get('class')!r}, not a {cls.__name__}")
        estimator = cls(**{**meta["params"], "dtype": np.dtype(meta["dtype"]).type})
        estimator.hidden_layer_sizes = tuple(meta["params"]["hidden_layer_sizes"])
        model = (_nn.MLP32 if meta["dtype"] == "float32" else _nn.MLP64).load(
            data[16 + length :]
        )
        estimator._restore(model, meta)
        return estimator

    def _restore(self, model: Any, meta: dict[str, Any]) -> None:
        import pandas as pd

        if int(model.n_inputs) != int(meta["n_features_in"]):
            raise ValueError(
                f"saved network has {model.n_inputs} inputs but the header says "
                f"{meta['n_features_in']} features"
            )
        self._model = model
        self._fitted_dtype = np.dtype(meta["dtype"])
        self.n_features_in_ = int(meta["n_features_in"])
        if meta["feature_names_in"] is not None:
            self.feature_names_in_ = np.asarray(meta["feature_names_in"], dtype=object)
        self.history_ = pd.DataFrame(meta["history"]).set_index("epoch")
        self.n_iter_ = len(self.history_)
        self.best_epoch_ = int(meta["best_epoch"])
        self.stop_reason_ = str(meta["stop_reason"])
        self.loss_curve_ = self.history_["train_loss"].tolist()
        self.n_layers_ = len(self._hidden_sizes()) + 2
        self.n_outputs_ = int(model.n_outputs)
        self._set_extra_state(meta["extra"])
        self._quantized = model.quantize_int8() if meta["quantized"] else None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if "_model" in state:
            state["_model"] = bytes(self._model.save())
            state["_quantized"] = self._quantized is not None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "_fitted_dtype" in state:  # the canonical dtype object, not an unpickled copy
            state["_fitted_dtype"] = np.dtype(np.dtype(state["_fitted_dtype"]).name)
        if "_model" in state:
            dtype = state["_fitted_dtype"]
            model = (_nn.MLP32 if dtype == np.float32 else _nn.MLP64).load(state["_model"])
            state["_model"] = model
            state["_quantized"] = model.quantize_int8() if state["_quantized"] else None
        self.__dict__.update(state)


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier trained on the CPU by shiftguard's C++ core.

    Binary problems use one sigmoid output, multi-class problems a softmax; labels may be
    any values scikit-learn accepts (ints, strings).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
        Width of each hidden layer.
    activation : {"relu", "leaky_relu", "gelu", "tanh", "sigmoid", "identity"} or list
        One name for all hidden layers or one per layer.
    solver : {"adam", "adamw", "sgd", "rmsprop"}, default "adam"
    alpha : float, default 1e-4
        Weight decay: L2 added to the gradient (``"adamw"``: decoupled decay).
    batch_size : int or "auto", default "auto"
        ``"auto"`` is ``min(200, n_samples)``.
    learning_rate_init : float, default 1e-3
    lr_schedule : {"constant", "step", "cosine", "plateau"}, default "constant"
        ``"step"``: multiply by ``lr_gamma`` every ``lr_step_size`` epochs; ``"cosine"``:
        cosine decay after ``warmup_epochs`` of linear warm-up; ``"plateau"``: multiply by
        ``lr_gamma`` when the monitored loss stalls for ``n_iter_no_change // 2`` epochs.
    max_iter : int, default 200
        Number of epochs (passes over the training data).
    shuffle : bool, default True
    random_state : int, RandomState or None
        Seeds initialisation, shuffling, dropout and the validation split; with a fixed seed
        and thread count training is reproducible bit for bit.
    tol : float, default 1e-4
        Minimum decrease of the monitored loss that counts as an improvement.
    early_stopping : bool, default False
        Stop when the validation loss (of ``X_val``/``y_val`` or of a stratified split of
        ``validation_fraction`` of the data) has not improved for ``n_iter_no_change``
        epochs, and restore the weights of the best epoch.
    validation_fraction : float, default 0.1
    n_iter_no_change : int, default 10
    momentum, nesterovs_momentum : SGD options
    beta_1, beta_2, epsilon : Adam/AdamW options; ``rho``: RMSprop's decay
    clip_norm : float or None
        Clip the gradient to this Euclidean norm.
    dropout : float or list of float, default 0.0
        Dropout rate after each hidden layer (during training only).
    layer_norm : bool, default False
        Layer normalisation before each hidden activation.
    init : {"auto", "he", "glorot"}
    loss : {"cross_entropy", "focal", "logit_adjusted"}, default "cross_entropy"
        ``"focal"`` uses ``focal_gamma``; ``"logit_adjusted"`` adds ``tau * log(prior)`` to
        the logits while training (Menon et al., 2021), which favours rare classes.
    class_weight : None, "balanced" or dict
        Weight of each class in the loss; ``"balanced"`` is ``n_samples / (n_classes *
        count)``.
    calibrate : bool, default False
        Fit a temperature on the validation data after training (see :meth:`calibrate`).
    dtype : np.float32 or np.float64, default np.float32
    n_threads : int, default 1
        oneTBB threads used for the matrix products of large batches.
    verbose : int, default 0
        1 shows a tqdm progress bar per epoch.

    Attributes
    ----------
    classes_, n_features_in_, feature_names_in_, history_ (DataFrame per epoch: train_loss,
    val_loss, val_score (accuracy), learning_rate), best_epoch_ (1-based), n_iter_,
    loss_curve_, stop_reason_, temperature_, coefs_, intercepts_.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from shiftguard.nn import MLPClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = MLPClassifier((32,), max_iter=30, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _output_kind = "softmax"

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 1e-4,
        batch_size: Any = "auto",
        learning_rate_init: float = 1e-3,
        lr_schedule: str = "constant",
        lr_step_size: int = 30,
        lr_gamma: float = 0.1,
        warmup_epochs: int = 0,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        rho: float = 0.99,
        clip_norm: Any = None,
        dropout: Any = 0.0,
        layer_norm: bool = False,
        init: str = "auto",
        loss: str = "cross_entropy",
        focal_gamma: float = 2.0,
        tau: float = 1.0,
        class_weight: Any = None,
        calibrate: bool = False,
        dtype: Any = np.float32,
        n_threads: int = 1,
        verbose: int = 0,
    ) -> None:
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            lr_schedule=lr_schedule,
            lr_step_size=lr_step_size,
            lr_gamma=lr_gamma,
            warmup_epochs=warmup_epochs,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            rho=rho,
            clip_norm=clip_norm,
            dropout=dropout,
            layer_norm=layer_norm,
            init=init,
            loss=loss,
            dtype=dtype,
            n_threads=n_threads,
            verbose=verbose,
        )
        self.focal_gamma = focal_gamma
        self.tau = tau
        self.class_weight = class_weight
        self.calibrate = calibrate

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags

    # ------------------------------------------------------------------ fitting

    def _loss_config(self) -> dict[str, Any]:
        loss = _check_choice("loss", self.loss, _CLASSIFIER_LOSSES)
        config: dict[str, Any] = {
            "loss": loss,
            "focal_gamma": _check_positive("focal_gamma", self.focal_gamma, allow_zero=True),
            "class_weights": self._class_weights,
            "logit_offsets": None,
        }
        if loss == "logit_adjusted":
            tau = _check_positive("tau", self.tau, allow_zero=True)
            log_prior = np.log(self._class_prior)
            if len(self.classes_) == 2:
                config["logit_offsets"] = np.array([tau * (log_prior[1] - log_prior[0])])
            else:
                config["logit_offsets"] = tau * log_prior
        return config

    def _compute_class_weights(self, y_index: np.ndarray, sample_weight: np.ndarray) -> Any:
        weight = self.class_weight
        n_classes = len(self.classes_)
        if weight is None:
            return None
        from .. import imbalance

        shared = getattr(imbalance, "compute_class_weight", None)
        if isinstance(weight, str):
            if shared is not None:  # shiftguard.imbalance's weights, when that part is built
                return np.asarray(
                    shared(weight, classes=self.classes_, y=self.classes_[y_index]),
                    dtype=np.float64,
                )
            if weight != "balanced":
                raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {weight!r}")
            counts = np.bincount(y_index, minlength=n_classes).astype(np.float64)
            return len(y_index) / (n_classes * counts)
        if isinstance(weight, dict):
            known = set(self.classes_.tolist())
            unknown = [k for k in weight if k not in known]
            if unknown:
                raise ValueError(
                    f"class_weight has labels {unknown!r} not among the classes "
                    f"{self.classes_.tolist()!r}"
                )
            out = np.ones(n_classes)
            for i, label in enumerate(self.classes_):
                if label in weight:
                    out[i] = _check_positive(f"class_weight[{label!r}]", weight[label], True)
            return out
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {weight!r}")

    def _encode(self, y_index: np.ndarray) -> np.ndarray:
        dtype = self._fitted_dtype
        if len(self.classes_) == 2:
            return y_index.astype(dtype).reshape(-1, 1)
        out = np.zeros((len(y_index), len(self.classes_)), dtype=dtype)
        out[np.arange(len(y_index)), y_index] = 1
        return out

    def _labels_to_index(self, y: np.ndarray, name: str) -> np.ndarray:
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        bad = self.classes_[index] != y
        if np.any(bad):
            unknown = np.unique(y[bad])[:5].tolist()
            raise ValueError(
                f"{name} has labels {unknown!r} that are not among the classes "
                f"{self.classes_.tolist()!r} of y (the network has {len(self.classes_)} outputs)"
            )
        return index

    def _prepare_fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any,
        X_val: Any,
        y_val: Any,
        refit: bool = True,
    ) -> tuple[Any, ...]:
        dtype = self._dtype()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
            )
        X, y = _sk_validate_data(
            self, X, y, reset=refit, dtype=[np.float64, np.float32], y_numeric=False
        )
        X = np.asarray(X, dtype=dtype)
        target_type = type_of_target(y, input_name="y")
        if target_type in ("multilabel-indicator", "multiclass-multioutput"):
            raise ValueError(
                f"{type(self).__name__} does not support {target_type} targets (y of shape "
                f"{np.shape(y)}); pass one label per sample"
            )
        check_classification_targets(y)
        if refit:
            self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y has only one class ({self.classes_[0]!r}); a classifier needs at least "
                "2 classes"
            )
        self._fitted_dtype = dtype
        y_index = self._labels_to_index(y, "y")
        w = self._sample_weight(sample_weight, X.shape[0], dtype)
        if refit:
            counts = np.bincount(y_index, weights=w, minlength=len(self.classes_))
            self._class_prior = np.maximum(counts, 1e-12) / counts.sum()
            self._class_weights = self._compute_class_weights(y_index, w)
        if X_val is not None:
            X_v = self._validate_x(X_val, reset=False)
            y_v = np.asarray(y_val)
            if y_v.ndim != 1 or y_v.shape[0] != X_v.shape[0]:
                raise ValueError(
                    f"y_val must be 1-D with one label per row of X_val ({X_v.shape[0]}), "
                    f"got shape {y_v.shape}"
                )
            v_index = self._labels_to_index(y_v, "y_val")
            return X, self._encode(y_index), w, X_v, self._encode(v_index), np.ones(len(y_v), dtype)
        if self.early_stopping and refit:
            train, held_out = self._stratified_split(y_index)
            return (
                np.ascontiguousarray(X[train]),
                self._encode(y_index[train]),
                np.ascontiguousarray(w[train]),
                np.ascontiguousarray(X[held_out]),
                self._encode(y_index[held_out]),
                np.ascontiguousarray(w[held_out]),
            )
        return X, self._encode(y_index), w, None, None, None

    @staticmethod
    def _sample_weight(sample_weight: Any, n_samples: int, dtype: np.dtype) -> np.ndarray:
        if sample_weight is None:
            return np.ones(n_samples, dtype=dtype)
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.ndim == 0:
            w = np.full(n_samples, float(w))
        if w.ndim != 1 or w.shape[0] != n_samples:
            raise ValueError(
                f"sample_weight must be 1-D with {n_samples} entries, got shape {w.shape}"
            )
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError("sample_weight must be finite and >= 0")
        if not w.sum() > 0:
            raise ValueError(
                "sample_weight is zero for every sample; at least one weight must be > 0"
            )
        return w.astype(dtype)

    def _stratified_split(self, y_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fraction = self.validation_fraction
        if not _is_number(fraction) or not 0.0 < fraction < 1.0:
            raise ValueError(f"validation_fraction must be in (0, 1), got {fraction!r}")
        rng = check_random_state(self.random_state)
        rng = np.random.RandomState(rng.randint(0, 2**31 - 1) ^ 0x5A17)
        train, held_out = [], []
        for c, label in enumerate(self.classes_):
            members = np.flatnonzero(y_index == c)
            n_val = int(round(fraction * len(members)))
            if n_val == 0 or n_val == len(members):
                side = "validation" if n_val == 0 else "training"
                raise ValueError(
                    f"the validation split (validation_fraction={fraction}) leaves the "
                    f"{side} set without class {np.asarray(label).item()!r}, which has "
                    f"{len(members)} samples; "
                    "pass X_val/y_val, change validation_fraction or set early_stopping=False"
                )
            members = rng.permutation(members)
            held_out.append(members[:n_val])
            train.append(members[n_val:])
        return np.sort(np.concatenate(train)), np.sort(np.concatenate(held_out))

    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        X_val: Any = None,
        y_val: Any = None,
    ) -> MLPClassifier:
        """Train the network (see :class:`MLPClassifier`); returns ``self``.

        With ``calibrate=True`` a temperature is then fitted on the validation data
        (``X_val``/``y_val`` or the early-stopping split)."""
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together")
        self._check_hyper_parameters(1)
        if self.calibrate and X_val is None and not self.early_stopping:
            raise ValueError("calibrate=True needs X_val/y_val or early_stopping=True")
        X_train, Y_train, w_train, X_v, Y_v, w_v = self._prepare_fit(
            X, y, sample_weight, X_val, y_val
        )
        self.temperature_ = 1.0
        config = self._check_hyper_parameters(X_train.shape[0])
        config.update(self._loss_config())
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        config["seed"] = seed
        model = self._build_model(X_train.shape[1], Y_train.shape[1], seed)
        self._run_fit(model, X_train, Y_train, w_train, X_v, Y_v, w_v, config)
        if self.calibrate:
            self._fit_temperature(X_v, Y_v, w_v)
        return self

    # ------------------------------------------------------------------ inference

    def _fit_temperature(self, X: np.ndarray, Y: np.ndarray, w: np.ndarray | None) -> None:
        logits = self._logits(X)
        labels = (Y[:, 0] if Y.shape[1] == 1 else Y.argmax(axis=1)).astype(np.int64)
        weights = np.ones(len(labels)) if w is None else np.asarray(w, dtype=np.float64)
        self.temperature_ = float(_nn.nn_fit_temperature(logits, labels, weights))

    def calibrate_temperature(self, X_val: Any, y_val: Any, sample_weight: Any = None) -> float:
        """Temperature scaling: find ``T > 0`` minimising the negative log-likelihood of
        ``softmax(logits / T)`` (sigmoid for two classes) on ``X_val``, ``y_val``; later
        probabilities use it (``temperature_``). Predicted labels do not change. Returns T."""
        self._require_fitted()
        X = self._validate_x(X_val, reset=False)
        y = np.asarray(y_val)
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(
                f"y_val must be 1-D with one label per row of X_val ({X.shape[0]}), "
                f"got shape {y.shape}"
            )
        index = self._labels_to_index(y, "y_val")
        w = self._sample_weight(sample_weight, X.shape[0], np.dtype(np.float64))
        self._fit_temperature(X, self._encode(index), w)
        return self.temperature_

    def decision_logits(self, X: Any) -> np.ndarray:
        """Raw network outputs (before the sigmoid/softmax and the temperature)."""
        self._require_fitted()
        return self._logits(self._validate_x(X, reset=False))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (n_samples, n_classes), columns in the order of ``classes_``."""
        self._require_fitted()
        X = self._validate_x(X, reset=False)
        temperature = getattr(self, "temperature_", 1.0)
        if temperature == 1.0:
            out = self._outputs(X)
        else:
            z = self._logits(X) / temperature
            if z.shape[1] == 1:
                out = 1.0 / (1.0 + np.exp(-z))
            else:
                z = z - z.max(axis=1, keepdims=True)
                out = np.exp(z)
                out /= out.sum(axis=1, keepdims=True)
        if out.shape[1] == 1:
            out = np.hstack([1.0 - out, out])
        return out

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Logarithm of :meth:`predict_proba` (``-inf`` where a float32 probability
        rounded to 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each row."""
        self._require_fitted()
        logits = self._logits(self._validate_x(X, reset=False))
        if logits.shape[1] == 1:
            index = (logits[:, 0] > 0).astype(np.intp)
        else:
            index = logits.argmax(axis=1)
        return self.classes_[index]

    def _extra_state(self) -> dict[str, Any]:
        classes = self.classes_
        return {
            "classes": classes.tolist(),
            "classes_dtype": classes.dtype.str if classes.dtype != object else "object",
            "temperature": self.temperature_,
            "class_prior": self._class_prior.tolist(),
            "class_weights": None if self._class_weights is None else list(self._class_weights),
        }

    def _set_extra_state(self, state: dict[str, Any]) -> None:
        dtype = object if state["classes_dtype"] == "object" else np.dtype(state["classes_dtype"])
        self.classes_ = np.asarray(state["classes"], dtype=dtype)
        self.temperature_ = float(state["temperature"])
        self._class_prior = np.asarray(state["class_prior"])
        cw = state["class_weights"]
        self._class_weights = None if cw is None else np.asarray(cw)
        expected = 1 if len(self.classes_) == 2 else len(self.classes_)
        if self.n_outputs_ != expected:
            raise ValueError(
                f"saved network has {self.n_outputs_} outputs but {len(self.classes_)} classes"
            )


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor trained on the CPU by shiftguard's C++ core.

    Identity output, mean squared error (``loss="mse"``) or Huber loss (``loss="huber"``
    with ``huber_delta``); ``y`` may be 1-D or have several columns. The parameters are those
    of :class:`MLPClassifier` without the classification options; ``history_["val_score"]``
    is the validation R^2.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.nn import MLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3))
    >>> y = X[:, 0] - 2 * X[:, 1] ** 2
    >>> reg = MLPRegressor((32, 32), learning_rate_init=0.01, max_iter=100, random_state=0)
    >>> reg.fit(X, y).score(X, y) > 0.9
    True
    """

    _output_kind = "identity"

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 1e-4,
        batch_size: Any = "auto",
        learning_rate_init: float = 1e-3,
        lr_schedule: str = "constant",
        lr_step_size: int = 30,
        lr_gamma: float = 0.1,
        warmup_epochs: int = 0,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        rho: float = 0.99,
        clip_norm: Any = None,
        dropout: Any = 0.0,
        layer_norm: bool = False,
        init: str = "auto",
        loss: str = "mse",
        huber_delta: float = 1.0,
        dtype: Any = np.float32,
        n_threads: int = 1,
        verbose: int = 0,
    ) -> None:
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            lr_schedule=lr_schedule,
            lr_step_size=lr_step_size,
            lr_gamma=lr_gamma,
            warmup_epochs=warmup_epochs,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            rho=rho,
            clip_norm=clip_norm,
            dropout=dropout,
            layer_norm=layer_norm,
            init=init,
            loss=loss,
            huber_delta=huber_delta,
            dtype=dtype,
            n_threads=n_threads,
            verbose=verbose,
        )

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def _loss_config(self) -> dict[str, Any]:
        return {
            "loss": _check_choice("loss", self.loss, _REGRESSOR_LOSSES),
            "class_weights": None,
            "logit_offsets": None,
        }

    def _prepare_fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any,
        X_val: Any,
        y_val: Any,
        refit: bool = True,
    ) -> tuple[Any, ...]:
        dtype = self._dtype()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
            )
        X, y = _sk_validate_data(
            self, X, y, reset=refit, dtype=[np.float64, np.float32], multi_output=True,
            y_numeric=True,
        )
        X = np.asarray(X, dtype=dtype)
        y = np.asarray(y, dtype=np.float64)
        if refit:
            self._y_ndim = y.ndim
        Y = y.reshape(len(y), -1).astype(dtype)
        if not refit and Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} columns but the network has {self.n_outputs_}")
        self._fitted_dtype = dtype
        w = MLPClassifier._sample_weight(sample_weight, X.shape[0], dtype)
        if X_val is not None:
            X_v = self._validate_x(X_val, reset=False)
            Y_v = np.asarray(y_val, dtype=np.float64).reshape(len(y_val), -1).astype(dtype)
            if Y_v.shape != (X_v.shape[0], Y.shape[1]):
                raise ValueError(
                    f"y_val must have shape ({X_v.shape[0]}, {Y.shape[1]}) like y, got "
                    f"{np.shape(y_val)}"
                )
            if not np.all(np.isfinite(Y_v)):
                raise ValueError("Input y_val contains NaN or infinity")
            return X, Y, w, X_v, Y_v, np.ones(X_v.shape[0], dtype)
        if self.early_stopping and refit:
            fraction = self.validation_fraction
            if not _is_number(fraction) or not 0.0 < fraction < 1.0:
                raise ValueError(f"validation_fraction must be in (0, 1), got {fraction!r}")
            n_val = int(round(fraction * X.shape[0]))
            if n_val < 1 or n_val >= X.shape[0]:
                raise ValueError(
                    f"validation_fraction={fraction} of {X.shape[0]} samples leaves an empty "
                    "training or validation set"
                )
            seed = check_random_state(self.random_state).randint(0, 2**31 - 1) ^ 0x5A17
            order = np.random.RandomState(seed).permutation(X.shape[0])
            held_out, train = np.sort(order[:n_val]), np.sort(order[n_val:])
            return X[train], Y[train], w[train], X[held_out], Y[held_out], w[held_out]
        return X, Y, w, None, None, None

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets: 1-D when ``y`` was 1-D, else (n_samples, n_outputs)."""
        self._require_fitted()
        out = self._outputs(self._validate_x(X, reset=False))
        return out.ravel() if self._y_ndim == 1 else out

    def _extra_state(self) -> dict[str, Any]:
        return {"y_ndim": self._y_ndim}

    def _set_extra_state(self, state: dict[str, Any]) -> None:
        self._y_ndim = int(state["y_ndim"])
