"""Drift detectors for binary error streams (1 = the model was wrong, 0 = it was right),
with river's ``drift.binary`` semantics: each reports ``drift_detected`` and
``warning_detected``.

The detectors take the same arguments, with the same defaults, as river's, and signal drift
and warnings at the same positions on the same stream; switching from river is a change of
import (``HDDMA`` and ``HDDMW`` are aliases of :class:`HDDM_A` and :class:`HDDM_W`, river's
spelling). ``update(x)`` takes ``0``/``1``, ``False``/``True`` (or ``0.0``/``1.0``); any
other number raises ``ValueError``. ``update_many`` takes a whole array (bools or numbers)
and returns where drift and warnings fired.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from ._stream import StreamDetector, check_integer, check_real

__all__ = ["DDM", "EDDM", "HDDMA", "HDDMW", "HDDM_A", "HDDM_W"]


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


class _BinaryStreamDetector(StreamDetector):
    """Shared behaviour of the binary detectors: ``update`` takes 0/1 or a bool."""

    # update() is the base class's: the core rejects numbers other than 0 and 1.
    _value_description = "0, 1 or a bool"


class DDM(_BinaryStreamDetector):
    """Drift Detection Method (river's ``drift.binary.DDM``).

    The error rate ``p`` and its standard deviation ``s = sqrt(p (1 - p) / n)`` are tracked
    since the last drift. Once more than ``warm_start`` values were seen, the smallest
    ``p + s`` so far is remembered as ``(p_min, s_min)``; the detector warns when
    ``p + s > p_min + warning_threshold * s_min`` and signals drift when
    ``p + s > p_min + drift_threshold * s_min``. After a drift it starts afresh. Warning and
    drift positions equal river's on the same stream.

    Parameters
    ----------
    warm_start
        Values seen before warnings or drift can be signalled (>= 0).
    warning_threshold
        Multiple of ``s_min`` above ``p_min`` that starts the warning zone (>= 0).
    drift_threshold
        Multiple of ``s_min`` above ``p_min`` that signals drift (>= 0).
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    The error rate of a model rises from 50 % to 70 % after 1000 predictions (river's own
    example; river reports the same positions):

    >>> import random
    >>> from shiftguard.drift.binary import DDM
    >>> rng = random.Random(42)
    >>> errors = rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    >>> events = DDM().update_many(errors)
    >>> events.drift_indices
    array([1334])
    >>> int(events.warning_indices[0])
    1084

    One value at a time, as in river:

    >>> ddm = DDM(warm_start=5)
    >>> for error in [False] * 20 + [True] * 5:
    ...     if ddm.update(error).drift_detected:
    ...         print("drift after", ddm.n_seen, "values")
    drift after 21 values
    """

    _core_type = _core.DDM

    def __init__(
        self,
        warm_start: int = 30,
        warning_threshold: float = 2.0,
        drift_threshold: float = 3.0,
        nan_policy: str = "raise",
    ) -> None:
        self._start(
            warm_start=check_integer("warm_start", warm_start),
            warning_threshold=check_real("warning_threshold", warning_threshold),
            drift_threshold=check_real("drift_threshold", drift_threshold),
            nan_policy=nan_policy,
        )

    @property
    def n_seen(self) -> int:
        """Values seen since the last drift or reset."""
        return self._impl.n_seen

    @property
    def error_rate(self) -> float:
        """Error rate ``p`` since the last drift or reset."""
        return self._impl.error_rate

    @property
    def p_min(self) -> float:
        """Error rate where ``p + s`` was smallest (NaN until past ``warm_start``)."""
        return self._impl.p_min

    @property
    def s_min(self) -> float:
        """Standard deviation where ``p + s`` was smallest (NaN until past ``warm_start``)."""
        return self._impl.s_min


class EDDM(_BinaryStreamDetector):
    """Early Drift Detection Method (river's ``drift.binary.EDDM``).

    At each error, the distance (in values) since the previous error updates the running mean
    ``p'`` and standard deviation ``s'`` of the distances. Once more than ``warm_start`` values
    were seen, the largest ``p' + 2 s'`` is remembered; when an error does not raise it and
    more than ``warm_start`` errors were seen, the ratio of ``p' + 2 s'`` to that maximum
    signals drift below ``beta`` and a warning below ``alpha`` (and clears the warning
    otherwise). Correct predictions leave the flags as they are. Warning and drift positions
    equal river's on the same stream.

    Parameters
    ----------
    warm_start
        Values, and errors, seen before warnings or drift can be signalled (>= 0).
    alpha
        Warning level, in (0, 1]; must be >= ``beta``.
    beta
        Drift level, in (0, 1].
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    river's own example, with river's positions:

    >>> import random
    >>> from shiftguard.drift.binary import EDDM
    >>> rng = random.Random(42)
    >>> errors = rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    >>> events = EDDM(alpha=0.8, beta=0.75).update_many(errors)
    >>> events.drift_indices
    array([1278])
    >>> int(events.warning_indices[0])
    1059
    """

    _core_type = _core.EDDM

    def __init__(
        self,
        warm_start: int = 30,
        alpha: float = 0.95,
        beta: float = 0.9,
        nan_policy: str = "raise",
    ) -> None:
        self._start(
            warm_start=check_integer("warm_start", warm_start),
            alpha=check_real("alpha", alpha),
            beta=check_real("beta", beta),
            nan_policy=nan_policy,
        )

    @property
    def n_seen(self) -> int:
        """Values seen since the last drift or reset."""
        return self._impl.n_seen

    @property
    def n_errors(self) -> int:
        """Errors seen since the last drift or reset."""
        return self._impl.n_errors

    @property
    def mean_distance(self) -> float:
        """Mean distance between consecutive errors (``p'``)."""
        return self._impl.mean_distance

    @property
    def std_distance(self) -> float:
        """Standard deviation of the distance between consecutive errors (``s'``)."""
        return self._impl.std_distance

    @property
    def max_level(self) -> float:
        """Largest ``p' + 2 s'`` so far (-1 before the first one past ``warm_start``)."""
        return self._impl.max_level


class HDDM_A(_BinaryStreamDetector):  # noqa: N801 - the name users know from river and MOA
    """Hoeffding's-bound drift detection with the moving-average test (river's
    ``drift.binary.HDDMA``; ``HDDMA`` is an alias).

    The mean of all values since the last drift is compared with the mean up to a cut point,
    the prefix whose mean plus Hoeffding bound was smallest. An increase beyond the bound at
    ``drift_confidence`` signals drift, beyond the bound at ``warning_confidence`` a warning;
    with ``two_sided_test``, decreases are tested the same way against the prefix whose mean
    minus the bound was largest. Warning and drift positions equal river's on the same stream.

    Parameters
    ----------
    drift_confidence
        Confidence of the drift test, in (0, 1) (smaller is more conservative).
    warning_confidence
        Confidence of the warning test, in (0, 1).
    two_sided_test
        Also signal decreases of the error rate.
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    river's own example, with river's positions:

    >>> import random
    >>> from shiftguard.drift.binary import HDDM_A
    >>> rng = random.Random(42)
    >>> errors = rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    >>> events = HDDM_A().update_many(errors)
    >>> events.drift_indices
    array([1206])
    >>> int(events.warning_indices[0])
    451
    """

    _core_type = _core.HDDM_A

    def __init__(
        self,
        drift_confidence: float = 0.001,
        warning_confidence: float = 0.005,
        two_sided_test: bool = False,
        nan_policy: str = "raise",
    ) -> None:
        self._start(
            drift_confidence=check_real("drift_confidence", drift_confidence),
            warning_confidence=check_real("warning_confidence", warning_confidence),
            two_sided_test=_check_bool("two_sided_test", two_sided_test),
            nan_policy=nan_policy,
        )

    @property
    def n_seen(self) -> int:
        """Values seen since the last drift or reset."""
        return self._impl.n_seen

    @property
    def error_rate(self) -> float:
        """Error rate since the last drift or reset."""
        return self._impl.error_rate


class HDDM_W(_BinaryStreamDetector):  # noqa: N801 - the name users know from river and MOA
    """Hoeffding's-bound drift detection with the weighted moving-average test (river's
    ``drift.binary.HDDMW``; ``HDDMW`` is an alias).

    Exponentially weighted means (weight ``lambda_val`` on the newest value) are kept of the
    values since the last drift and of those before and after a cut point, where the weighted
    mean plus its McDiarmid bound was smallest. An increase after the cut beyond the bound at
    ``drift_confidence`` signals drift, beyond the bound at ``warning_confidence`` a warning;
    with ``two_sided_test``, decreases are tested too. Warning and drift positions equal
    river's on the same stream.

    Parameters
    ----------
    drift_confidence
        Confidence of the drift test, in (0, 1) (smaller is more conservative).
    warning_confidence
        Confidence of the warning test, in (0, 1).
    lambda_val
        Weight of the newest value in the weighted means, in (0, 1].
    two_sided_test
        Also signal decreases of the error rate.
    nan_policy
        ``"raise"`` (default) or ``"omit"`` non-finite values.

    Examples
    --------
    river's own example, with river's positions:

    >>> import random
    >>> from shiftguard.drift.binary import HDDM_W
    >>> rng = random.Random(42)
    >>> errors = rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    >>> events = HDDM_W().update_many(errors)
    >>> events.drift_indices
    array([1077])
    >>> int(events.warning_indices[0])
    451
    """

    _core_type = _core.HDDM_W

    def __init__(
        self,
        drift_confidence: float = 0.001,
        warning_confidence: float = 0.005,
        lambda_val: float = 0.05,
        two_sided_test: bool = False,
        nan_policy: str = "raise",
    ) -> None:
        self._start(
            drift_confidence=check_real("drift_confidence", drift_confidence),
            warning_confidence=check_real("warning_confidence", warning_confidence),
            lambda_val=check_real("lambda_val", lambda_val),
            two_sided_test=_check_bool("two_sided_test", two_sided_test),
            nan_policy=nan_policy,
        )

    @property
    def error_rate(self) -> float:
        """Exponentially weighted error rate since the last drift or reset."""
        return self._impl.error_rate


# river's spelling of the two Hoeffding detectors.
HDDMA = HDDM_A
HDDMW = HDDM_W
