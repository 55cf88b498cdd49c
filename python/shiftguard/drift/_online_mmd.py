"""Online multivariate drift detection with the maximum mean discrepancy (alibi-detect's
``MMDDriftOnline``), with the streaming API of shiftguard's other stream detectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .._validation import as_float_matrix, check_n_threads, check_option
from ._stream import StreamDetector, StreamEvents, check_integer, check_real

__all__ = ["MMDDriftOnline"]

_CORE_TYPES = {
    b"drift.stream.online_mmd.float64": _core.OnlineMMDFloat64,
    b"drift.stream.online_mmd.float32": _core.OnlineMMDFloat32,
}


def _core_type_of_state(data: bytes) -> Any:
    """The compiled class whose type tag the saved container carries (the tag's length is
    at byte 12, the tag from byte 16); Float64 when unrecognisable, so that its loader
    reports what is wrong with the data."""
    if len(data) >= 16:
        length = int.from_bytes(data[12:16], "little")
        tag = bytes(data[16 : 16 + length])
        if tag in _CORE_TYPES:
            return _CORE_TYPES[tag]
    return _core.OnlineMMDFloat64


class MMDDriftOnline(StreamDetector):
    """Online drift detector on the squared maximum mean discrepancy (MMD) between the
    reference data and a sliding window of the latest observations, with thresholds set for
    an expected run time ``ert`` between false alarms (alibi-detect's ``MMDDriftOnline``;
    Cobb et al., AISTATS 2022).

    At each time step the unbiased MMD^2 estimate between the kept reference rows and the
    last ``window_size`` observations (fewer while the window fills) is updated at a cost of
    ``n_reference + window_size`` kernel evaluations and compared with the threshold of that
    step. The thresholds are calibrated once, at construction, by simulating streams without
    drift from ``x_ref``: ``2 * window_size - 1`` rows of ``x_ref`` are drawn (without
    replacement) as a stream and the remaining rows serve as its reference, and the
    threshold of each step is the ``1 - 1/ert`` quantile of the statistic over the simulated
    streams that have not fired before. The false alarm probability at each step, given
    none before, is thus ``1/ert``: without drift the run length is geometric with mean
    ``ert``, counted from the first observation. The detector keeps the reference rows left
    by one more such draw (``x_ref.shape[0] - 2 * window_size + 1`` rows).

    After a detection the next update starts afresh (time 0, empty window), as river's
    detectors do.

    Parameters
    ----------
    x_ref : array_like, 2-D (samples x features)
        Reference data without drift (float32 stays float32; other numbers become float64).
        Needs at least ``2 * window_size + 1`` rows.
    ert : float
        Expected run time between false alarms without drift (>= 1).
    window_size : int
        Observations in the sliding test window. Small windows react fast to large shifts,
        large windows detect slight ones.
    n_bootstraps : int
        Simulated streams for the thresholds; should be an order of magnitude above ``ert``.
    sigma : float, optional
        Bandwidth of the Gaussian kernel ``exp(-|x - y|^2 / (2 sigma^2))``. ``None`` (default)
        sets it to the median distance between reference rows (median heuristic).
    seed : int
        Seed of the reference split and the simulations; the thresholds are the same for any
        ``n_threads``.
    n_threads : int, optional
        Threads for the calibration (``None``: all cores).
    nan_policy : {"raise", "omit"}
        What a non-finite value does: raise ``ValueError``, or skip the observation (and the
        reference rows holding one).

    Attributes
    ----------
    sigma_ : float
        The kernel bandwidth in use.
    thresholds_ : numpy.ndarray
        Threshold of each time step ``t = 1 .. 2 * window_size - 1``; the last one applies
        afterwards.
    x_ref_ : numpy.ndarray
        The reference rows the statistic is computed against.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.drift import MMDDriftOnline
    >>> rng = np.random.default_rng(0)
    >>> detector = MMDDriftOnline(rng.normal(size=(500, 2)), ert=50, window_size=10,
    ...                           n_bootstraps=2000)
    >>> stream = np.concatenate([rng.normal(size=(20, 2)), rng.normal(2.0, 1.0, (50, 2))])
    >>> events = detector.update_many(stream)
    >>> int(events.drift_indices[events.drift_indices >= 20][0]) < 35
    True
    >>> result = detector.predict(rng.normal(size=2))
    >>> sorted(result["data"])
    ['distance', 'ert', 'is_drift', 'test_stat', 'threshold', 'time']
    """

    ert: float
    window_size: int
    n_bootstraps: int
    seed: int
    n_threads: int
    nan_policy: str

    def __init__(
        self,
        x_ref: Any,
        ert: float,
        window_size: int,
        n_bootstraps: int = 1000,
        sigma: float | None = None,
        seed: int = 0,
        n_threads: int | None = None,
        nan_policy: str = "raise",
    ) -> None:
        array, _ = as_float_matrix(x_ref, "x_ref")
        core_type = _core.OnlineMMDFloat32 if array.dtype == np.float32 else _core.OnlineMMDFloat64
        seed = check_integer("seed", seed)
        if seed < 0:
            raise ValueError(f"seed must be a non-negative int, got {seed}")
        if sigma is not None:
            sigma = check_real("sigma", sigma)
            if not sigma > 0:
                raise ValueError(
                    f"sigma must be > 0 (or None for the median heuristic), got {sigma}"
                )
        self._impl = core_type(
            array,
            ert=check_real("ert", ert),
            window_size=check_integer("window_size", window_size),
            n_bootstraps=check_integer("n_bootstraps", n_bootstraps),
            sigma=0.0 if sigma is None else sigma,
            seed=seed,
            n_threads=check_n_threads(n_threads),
            nan_policy=check_option("nan_policy", nan_policy),
        )
        self._adopt_params()

    def _adopt_params(self) -> None:
        super()._adopt_params()
        # sigma as given (None: median heuristic); the bandwidth in use is sigma_
        object.__setattr__(self, "sigma", self.sigma or None)
        # n_threads as given (None: all cores)
        object.__setattr__(self, "n_threads", self.n_threads or None)

    # -- streaming API ---------------------------------------------------------------------

    @property
    def dtype(self) -> np.dtype:
        """float32 or float64: the precision the detector computes in."""
        single = isinstance(self._impl, _core.OnlineMMDFloat32)
        return np.dtype(np.float32 if single else np.float64)

    def _as_observations(self, x: Any, ndim: int) -> np.ndarray:
        if isinstance(x, (str, bytes)):
            raise TypeError(f"x must be an array of numbers, got {type(x).__name__}")
        array = np.asarray(x)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"x must be numeric, got an array of dtype {array.dtype}")
        if array.ndim != ndim:
            what = "1-D (one observation)" if ndim == 1 else "2-D (observations x features)"
            raise ValueError(f"x must be {what}, got shape {array.shape}")
        return array.astype(self.dtype, copy=False)

    @property
    def drift_detected(self) -> bool:
        """Whether the last observation processed signalled drift."""
        return self._impl.drift_detected

    @property
    def warning_detected(self) -> bool:
        """Always ``False``: the online MMD detector has no warning zone."""
        return self._impl.warning_detected

    def update(self, x: Any) -> MMDDriftOnline:
        """Process one observation (a 1-D array of ``n_features`` values) and return the
        detector.

        A non-finite value raises ``ValueError`` under ``nan_policy="raise"`` and makes the
        observation be skipped under ``"omit"``.
        """
        self._impl.update(self._as_observations(x, 1))
        return self

    def update_many(self, x: Any) -> StreamEvents:  # type: ignore[override]
        """Process the rows of a 2-D array in order (same result as :meth:`update` on each)
        and return the rows where drift fired.

        The batch is checked before anything is processed: a bad value raises and leaves the
        detector unchanged.
        """
        drift, warning = self._impl.update_many(self._as_observations(x, 2))
        return StreamEvents(drift_indices=drift, warning_indices=warning)

    def predict(self, x_t: Any, return_test_stat: bool = True) -> dict[str, Any]:
        """Process one observation and return alibi-detect's result layout
        ``{'meta': {...}, 'data': {'is_drift', 'distance', 'threshold', 'time', 'ert'}}``
        (``distance`` is the MMD^2 statistic, also given as ``test_stat``; both and the
        threshold are left out when ``return_test_stat`` is false)."""
        self.update(x_t)
        data: dict[str, Any] = {
            "is_drift": int(self.drift_detected),
            "time": self.t,
            "ert": self.ert,
        }
        if return_test_stat:
            data["distance"] = self.test_stat
            data["test_stat"] = self.test_stat
            data["threshold"] = self.threshold
        return {"meta": self.meta, "data": data}

    @property
    def meta(self) -> dict[str, Any]:
        """alibi-detect's ``meta`` entry of the result."""
        from .. import __version__

        return {
            "name": "MMDDriftOnline",
            "online": True,
            "data_type": None,
            "version": __version__,
            "detector_type": "drift",
            "backend": "shiftguard",
        }

    # -- state -----------------------------------------------------------------------------

    @property
    def t(self) -> int:
        """Observations processed since the last reset or detection (alibi-detect's
        ``time``)."""
        return self._impl.t

    @property
    def test_stat(self) -> float:
        """MMD^2 estimate after the last update (0 before the first)."""
        return self._impl.test_stat

    @property
    def distance(self) -> float:
        """Alias of :attr:`test_stat`."""
        return self._impl.test_stat

    @property
    def threshold(self) -> float:
        """Threshold the last statistic was compared with."""
        return self._impl.threshold

    @property
    def thresholds_(self) -> np.ndarray:
        return self._impl.thresholds

    @property
    def sigma_(self) -> float:
        return self._impl.sigma

    @property
    def x_ref_(self) -> np.ndarray:
        return self._impl.reference

    @property
    def window(self) -> np.ndarray:
        """The observations in the window, oldest first."""
        return self._impl.window

    @property
    def n_features(self) -> int:
        return self._impl.n_features

    @classmethod
    def load(cls, data: bytes) -> MMDDriftOnline:
        """Rebuild a detector from :meth:`save`'s bytes.

        Truncated, corrupted, foreign or newer-version data raises ``shiftguard.FormatError``
        (a ``ValueError``).
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        data = bytes(data)
        detector = cls.__new__(cls)
        detector._impl = _core_type_of_state(data).load(data)
        detector._adopt_params()
        return detector

    def __setstate__(self, state: dict[str, bytes]) -> None:
        self._impl = _core_type_of_state(state["state"]).load(state["state"])
        self._adopt_params()

    def __repr__(self) -> str:
        params = dict(self._impl.params())
        params["sigma"] = params["sigma"] or None
        params["n_threads"] = params["n_threads"] or None
        text = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f"{type(self).__name__}({text})"
