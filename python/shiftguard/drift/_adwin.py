"""ADWIN: adaptive windowing for a change in the mean of a stream (river's ``drift.ADWIN``)."""

from __future__ import annotations

from .. import _core
from ._stream import StreamDetector, check_integer, check_real

__all__ = ["ADWIN"]


class ADWIN(StreamDetector):
    r"""Adaptive windowing drift detector (Bifet & Gavaldà, 2007), as river's ``drift.ADWIN``.

    ADWIN keeps a window of the most recent values, summarised by an exponential histogram of
    buckets (at most ``max_buckets`` buckets of each size 1, 2, 4, ..., so memory grows with
    the logarithm of the window length). Every ``clock`` values, once the window holds more
    than ``grace_period`` values, it tests every split of the window into an older part
    :math:`W_0` and a newer part :math:`W_1`, each at least ``min_window_length`` long: when
    their means differ by more than a Hoeffding/Bernstein-type bound at significance
    ``delta``, the oldest buckets are dropped and drift is signalled. As in river, the
    detector then starts afresh with the next value.

    Detection indices, ``width``, ``total`` and ``variance`` equal river 0.26.1's on the same
    stream, with the same parameters.

    Parameters
    ----------
    delta
        Significance level, in (0, 1). Smaller values make detection more conservative.
    clock
        Test for change every ``clock`` values (1 tests after every value).
    max_buckets
        Buckets of each size kept before the two oldest merge (1 to 2**20).
    min_window_length
        Shortest sub-window a split may leave (at least 1).
    grace_period
        No test until the window holds more than this many values (at least 0).
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    River's own example gives the same detection:

    >>> import random
    >>> from shiftguard.drift import ADWIN
    >>> rng = random.Random(12345)
    >>> stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    >>> adwin = ADWIN()
    >>> for i, value in enumerate(stream):
    ...     if adwin.update(value).drift_detected:
    ...         print(f"Change detected at index {i}, input value: {value}")
    Change detected at index 1023, input value: 4

    A whole array at once:

    >>> import numpy as np
    >>> values = np.random.default_rng(1).normal(0.0, 1.0, 3000)
    >>> values[2000:] += 1.0
    >>> ADWIN().update_many(values).drift_indices
    array([2047])
    """

    _core_type = _core.ADWIN

    def __init__(
        self,
        delta: float = 0.002,
        clock: int = 32,
        max_buckets: int = 5,
        min_window_length: int = 5,
        grace_period: int = 10,
        nan_policy: str = "raise",
    ) -> None:
        self._start(
            delta=check_real("delta", delta),
            clock=check_integer("clock", clock),
            max_buckets=check_integer("max_buckets", max_buckets),
            min_window_length=check_integer("min_window_length", min_window_length),
            grace_period=check_integer("grace_period", grace_period),
            nan_policy=nan_policy,
        )

    @property
    def width(self) -> int:
        """Number of values in the window."""
        return self._impl.width

    @property
    def total(self) -> float:
        """Sum of the values in the window."""
        return self._impl.total

    @property
    def variance(self) -> float:
        """Sum of squared deviations of the window's values from their mean (river's
        ``variance``: the window's variance times its width)."""
        return self._impl.variance

    @property
    def estimation(self) -> float:
        """Mean of the window (0.0 when it is empty)."""
        return self._impl.estimation

    @property
    def n_detections(self) -> int:
        """Changes detected since the detector last started afresh: as in river, 1 right
        after a drift and 0 otherwise (the detector restarts on the next value)."""
        return self._impl.n_detections

    @property
    def n_bucket_rows(self) -> int:
        """Rows of the exponential histogram (about log2(width / max_buckets))."""
        return self._impl.n_bucket_rows
