"""Streaming drift detectors with river's per-value API.

Every detector has ``update(x)`` (returns the detector), the ``drift_detected`` and
``warning_detected`` properties, ``update_many(values)`` for a whole NumPy array (the loop runs
in C++ without the GIL and returns where drift and warnings fired), ``reset()``, and
``save()``/``load()`` of its full state in shiftguard's versioned binary format. Detectors
pickle through the same format.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .. import _core
from .._validation import check_option

__all__ = ["CUSUM", "KSWIN", "PageHinkley", "StreamEvents"]


@dataclass(frozen=True)
class StreamEvents:
    """Where drift and warnings fired during :meth:`update_many`.

    Positions index the batch given to ``update_many`` (0 is its first value), ascending.
    """

    drift_indices: np.ndarray
    warning_indices: np.ndarray

    def to_dict(self) -> dict[str, list[int]]:
        return {
            "drift_indices": self.drift_indices.tolist(),
            "warning_indices": self.warning_indices.tolist(),
        }


def check_real(name: str, value: Any) -> float:
    """A real-valued hyper-parameter (range checks happen in the core)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def check_integer(name: str, value: Any) -> int:
    """An integer hyper-parameter (range checks happen in the core)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return int(value)


def as_stream_values(values: Any) -> np.ndarray:
    """A 1-D float64 array for the core; no copy when ``values`` already is one."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"values must be numeric, got an array of dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {array.shape}")
    return np.ascontiguousarray(array, dtype=np.float64)


class StreamDetector:
    """Shared behaviour of the streaming detectors (not instantiated directly)."""

    _core_type: ClassVar[Any]
    _value_description: ClassVar[str] = "a real number"

    _impl: Any

    def _start(self, **params: Any) -> None:
        params["nan_policy"] = check_option("nan_policy", params["nan_policy"])
        self._attach(self._core_type(**params))

    def _attach(self, impl: Any) -> None:
        self._impl = impl
        # The per-value path: a bound C function returning 2 * drift + warning, kept here so
        # that update() costs one attribute lookup and one call.
        self._step = impl.step
        self._state = 2 * impl.drift_detected + impl.warning_detected
        self._adopt_params()

    def _adopt_params(self) -> None:
        # Public attributes mirror the constructor arguments, as in river and scikit-learn.
        for name, value in self._impl.params().items():
            object.__setattr__(self, name, value)

    def update(self, x: float) -> StreamDetector:
        """Process one value and return the detector (so calls chain as in river).

        A non-finite ``x`` raises ``ValueError`` under ``nan_policy="raise"`` (the default)
        and is skipped under ``"omit"``.
        """
        try:
            self._state = self._step(x)
        except TypeError:
            raise TypeError(
                f"x must be {self._value_description}, got {type(x).__name__}"
            ) from None
        return self

    def update_many(self, values: Any) -> StreamEvents:
        """Process a 1-D array of values in order (same result as calling :meth:`update` on
        each) and return the positions where drift and warnings fired.

        The batch is checked before anything is processed: a bad value raises and leaves the
        detector unchanged.
        """
        drift, warning = self._impl.update_many(as_stream_values(values))
        self._state = 2 * self._impl.drift_detected + self._impl.warning_detected
        return StreamEvents(drift_indices=drift, warning_indices=warning)

    def reset(self) -> StreamDetector:
        """Forget everything seen; the parameters stay."""
        self._impl.reset()
        self._state = 0
        return self

    @property
    def drift_detected(self) -> bool:
        """Whether the last value processed signalled drift."""
        return self._state >= 2

    @property
    def warning_detected(self) -> bool:
        """Whether the last value processed put the detector in its warning zone."""
        return self._state & 1 == 1

    def save(self) -> bytes:
        """The detector's full state (parameters and everything seen) as bytes."""
        return self._impl.save()

    @classmethod
    def load(cls, data: bytes) -> StreamDetector:
        """Rebuild a detector from :meth:`save`'s bytes.

        Truncated, corrupted, foreign or newer-version data raises ``shiftguard.FormatError``
        (a ``ValueError``).
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        detector = cls.__new__(cls)
        detector._attach(cls._core_type.load(bytes(data)))
        return detector

    def __getstate__(self) -> dict[str, bytes]:
        return {"state": self.save()}

    def __setstate__(self, state: dict[str, bytes]) -> None:
        self._attach(self._core_type.load(state["state"]))

    def __copy__(self) -> StreamDetector:
        return type(self).load(self.save())

    def __deepcopy__(self, memo: dict[int, Any]) -> StreamDetector:
        return self.__copy__()

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._impl.params().items())
        return f"{type(self).__name__}({params})"


class PageHinkley(StreamDetector):
    """Page–Hinkley test for a change in the mean (river's ``drift.PageHinkley``).

    The running mean is updated with each value; the value's deviation from it, less (plus)
    ``delta``, accumulates with forgetting factor ``alpha``, and drift is signalled once
    ``min_instances`` values were seen and the accumulated increase (decrease) exceeds
    ``threshold``. Detection indices equal river's on the same stream.

    Parameters
    ----------
    min_instances
        Values seen before drift can be signalled.
    delta
        Tolerated deviation.
    threshold
        Decision threshold (lambda).
    alpha
        Forgetting factor in (0, 1].
    mode
        ``"both"``, ``"up"`` (increases only) or ``"down"`` (decreases only).
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import PageHinkley
    >>> rng = np.random.default_rng(1)
    >>> stream = np.concatenate([rng.normal(0, 1, 1000), rng.normal(4, 1, 1000)])
    >>> PageHinkley().update_many(stream).drift_indices
    array([1007])
    """

    _core_type = _core.PageHinkley

    def __init__(
        self,
        min_instances: int = 30,
        delta: float = 0.005,
        threshold: float = 50.0,
        alpha: float = 1 - 0.0001,
        mode: str = "both",
        nan_policy: str = "raise",
    ) -> None:
        if mode not in ("both", "up", "down"):
            raise ValueError(f"mode must be one of 'both', 'up', 'down', got {mode!r}")
        self._start(
            min_instances=check_integer("min_instances", min_instances),
            delta=check_real("delta", delta),
            threshold=check_real("threshold", threshold),
            alpha=check_real("alpha", alpha),
            mode=mode,
            nan_policy=nan_policy,
        )

    @property
    def n_seen(self) -> int:
        """Values seen since the last drift or reset."""
        return self._impl.n_seen

    @property
    def mean(self) -> float:
        """Running mean since the last drift or reset."""
        return self._impl.mean


def check_seed(seed: Any) -> int:
    """A seed for Python-compatible draws: None draws one from the operating system."""
    if seed is None:
        return random.SystemRandom().getrandbits(32)
    seed = check_integer("seed", seed)
    if abs(seed) >= 2**64:
        raise ValueError(f"seed must be below 2**64 in absolute value, got {seed}")
    return abs(seed)  # random.Random seeds from |seed|


class KSWIN(StreamDetector):
    """Kolmogorov–Smirnov windowing (river's ``drift.KSWIN``).

    Keeps the last ``window_size`` values; once the window is full, each new value triggers a
    two-sample KS test between the ``stat_size`` most recent values and ``stat_size`` values
    drawn at random from the older part of the window. Drift is signalled when the p-value is
    at most ``alpha`` and the statistic exceeds 0.1. The draws reproduce Python's
    ``random.Random(seed)`` and the test SciPy's ``ks_2samp``, so with the same ``seed`` the
    detection indices equal river's.

    Parameters
    ----------
    alpha
        Significance level of each test, in (0, 1).
    window_size
        Length of the sliding window (at least ``2 * stat_size``).
    stat_size
        Values in each tested sample.
    seed
        Seed of the random draws; ``None`` draws one from the operating system (the drawn
        seed is kept in ``seed``, so a saved detector replays exactly).
    window
        Values (oldest first) that pre-fill the window, as river's ``window``.
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import KSWIN
    >>> rng = np.random.default_rng(3)
    >>> stream = np.concatenate([rng.normal(0, 1, 500), rng.normal(3, 1, 500)])
    >>> KSWIN(seed=1).update_many(stream).drift_indices
    array([512])
    """

    _core_type = _core.KSWIN

    def __init__(
        self,
        alpha: float = 0.005,
        window_size: int = 100,
        stat_size: int = 30,
        seed: int | None = None,
        window: Any = None,
        nan_policy: str = "raise",
    ) -> None:
        initial = [] if window is None else as_stream_values(list(window)).tolist()
        self._start(
            alpha=check_real("alpha", alpha),
            window_size=check_integer("window_size", window_size),
            stat_size=check_integer("stat_size", stat_size),
            seed=check_seed(seed),
            window=initial,
            nan_policy=nan_policy,
        )

    @property
    def n_seen(self) -> int:
        """Values seen since the last drift or reset."""
        return self._impl.n_seen

    @property
    def p_value(self) -> float:
        """p-value of the last test (0 until the window first fills, as in river)."""
        return self._impl.p_value

    @property
    def window(self) -> list[float]:
        """The window's values, oldest first."""
        return self._impl.window


class CUSUM(StreamDetector):
    """Two-sided tabular CUSUM on standardised values.

    With ``z = (x - target) / std``, the detector accumulates ``S_up = max(0, S_up + z - k)``
    and ``S_down = max(0, S_down - z - k)`` and signals drift when either exceeds ``h``
    (``mode="up"`` or ``"down"`` watches one side). ``target`` and ``std`` not given are
    estimated from the first ``burn_in`` values after each reset (mean and sample standard
    deviation). river has no CUSUM; the defaults ``k=0.5``, ``h=5`` are the textbook ones
    (Montgomery), which detect a one-standard-deviation mean shift in about ten values.

    Parameters
    ----------
    target
        In-control mean, or ``None`` to estimate it.
    std
        In-control standard deviation (> 0), or ``None`` to estimate it.
    burn_in
        Values used to estimate what is not given (>= 2).
    k
        Reference value (allowance), in standard deviations (>= 0).
    h
        Decision interval, in standard deviations (> 0).
    mode
        ``"both"``, ``"up"`` or ``"down"``.
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import CUSUM
    >>> rng = np.random.default_rng(4)
    >>> stream = np.concatenate([rng.normal(0, 1, 300), rng.normal(1.5, 1, 300)])
    >>> detector = CUSUM(target=0.0, std=1.0)
    >>> int(detector.update_many(stream).drift_indices[0])  # the mean moved at 300
    304
    """

    _core_type = _core.CUSUM

    def __init__(
        self,
        target: float | None = None,
        std: float | None = None,
        burn_in: int = 30,
        k: float = 0.5,
        h: float = 5.0,
        mode: str = "both",
        nan_policy: str = "raise",
    ) -> None:
        if mode not in ("both", "up", "down"):
            raise ValueError(f"mode must be one of 'both', 'up', 'down', got {mode!r}")
        self._start(
            target=None if target is None else check_real("target", target),
            std=None if std is None else check_real("std", std),
            burn_in=check_integer("burn_in", burn_in),
            k=check_real("k", k),
            h=check_real("h", h),
            mode=mode,
            nan_policy=nan_policy,
        )

    @property
    def n_seen(self) -> int:
        """Values seen since the last drift or reset."""
        return self._impl.n_seen

    @property
    def sum_up(self) -> float:
        """Cumulative sum watching for an increase."""
        return self._impl.sum_up

    @property
    def sum_down(self) -> float:
        """Cumulative sum watching for a decrease."""
        return self._impl.sum_down
