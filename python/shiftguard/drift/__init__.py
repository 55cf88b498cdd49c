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
from ._correction import CorrectionResult, correct_p_values
from ._multivariate import (
    EnergyDrift,
    HotellingDrift,
    HotellingDriftResult,
    LinearMMDResult,
    LSDDDrift,
    MMDDrift,
    MultivariateDriftResult,
    energy_test,
    hotelling_test,
    linear_mmd_test,
    median_heuristic_sigma,
    mmd2,
    mmd_test,
    multivariate_energy_distance,
)
from ._numeric_tests import (
    AndersonKSampResult,
    CramerVonMisesResult,
    MannWhitneyUResult,
    WelchTTestResult,
    anderson_ksamp,
    cramervonmises_2samp,
    mannwhitneyu,
    ttest_welch,
)
from ._online_mmd import MMDDriftOnline
from ._reduce import (
    PCA,
    BBSDrift,
    ClassifierDrift,
    ClassifierDriftResult,
    ClassifierTestResult,
    GaussianRandomProjection,
    classifier_two_sample_test,
    default_drift_classifier,
)
from ._scores import (
    CategoricalDistanceResult,
    CategoricalTestResult,
    DistanceResult,
    categorical_distance,
    chi2_homogeneity,
    energy_distance,
    g_test,
    hellinger,
    jensen_shannon,
    kl_divergence,
    psi,
    wasserstein_distance,
)
from ._stream import CUSUM, KSWIN, PageHinkley, StreamEvents
from ._tabular import TabularDrift, TabularDriftResult

__all__ = [
    "ADWIN",
    "AndersonKSampResult",
    "BBSDrift",
    "CUSUM",
    "CategoricalDistanceResult",
    "CategoricalTestResult",
    "ClassifierDrift",
    "ClassifierDriftResult",
    "ClassifierTestResult",
    "CorrectionResult",
    "CramerVonMisesResult",
    "DistanceResult",
    "EnergyDrift",
    "GaussianRandomProjection",
    "HotellingDrift",
    "HotellingDriftResult",
    "KSDrift",
    "KSDriftResult",
    "KSResult",
    "KSWIN",
    "LSDDDrift",
    "LinearMMDResult",
    "MMDDrift",
    "MMDDriftOnline",
    "MannWhitneyUResult",
    "MultivariateDriftResult",
    "PCA",
    "PageHinkley",
    "StreamEvents",
    "TabularDrift",
    "TabularDriftResult",
    "WelchTTestResult",
    "anderson_ksamp",
    "binary",
    "categorical_distance",
    "chi2_homogeneity",
    "classifier_two_sample_test",
    "correct_p_values",
    "default_drift_classifier",
    "cramervonmises_2samp",
    "energy_distance",
    "energy_test",
    "g_test",
    "hellinger",
    "hotelling_test",
    "jensen_shannon",
    "kl_divergence",
    "ks_2samp",
    "linear_mmd_test",
    "mannwhitneyu",
    "median_heuristic_sigma",
    "mmd2",
    "mmd_test",
    "multivariate_energy_distance",
    "psi",
    "ttest_welch",
    "wasserstein_distance",
]
