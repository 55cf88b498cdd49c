"""Drift detection.

Batch detectors are given their reference data at construction and answer ``predict(x)``
with a result object carrying the verdict and its evidence (alibi-detect's shape); the
result's ``to_dict()`` returns alibi-detect's ``{'meta': ..., 'data': ...}`` layout.

Streaming detectors follow river: ``update(x)`` per value and a ``drift_detected`` property,
plus ``update_many(values)`` for whole arrays. Detectors of real-valued streams live here
(as in ``river.drift``); those of binary error streams in :mod:`shiftguard.drift.binary`
(as in ``river.drift.binary``), so switching from river is a change of import.
"""

from __future__ import annotations

from . import binary
from ._adwin import ADWIN
from ._batch import KSDrift, KSDriftResult, KSResult, ks_2samp
from ._multivariate import (
    EnergyDrift,
    HotellingDrift,
    HotellingDriftResult,
    LinearMMDResult,
    LSDDDrift,
    MMDDrift,
    MultivariateDriftResult,
    energy_distance,
    energy_test,
    hotelling_test,
    linear_mmd_test,
    median_heuristic_sigma,
    mmd2,
    mmd_test,
)
from ._online_mmd import MMDDriftOnline
from ._stream import CUSUM, KSWIN, PageHinkley, StreamEvents

__all__ = [
    "ADWIN",
    "CUSUM",
    "KSDrift",
    "KSDriftResult",
    "KSResult",
    "KSWIN",
    "MMDDriftOnline",
    "PageHinkley",
    "StreamEvents",
    "binary",
    "ks_2samp",
    "EnergyDrift",
    "HotellingDrift",
    "HotellingDriftResult",
    "LinearMMDResult",
    "LSDDDrift",
    "MMDDrift",
    "MultivariateDriftResult",
    "energy_distance",
    "energy_test",
    "hotelling_test",
    "linear_mmd_test",
    "median_heuristic_sigma",
    "mmd2",
    "mmd_test",
]
