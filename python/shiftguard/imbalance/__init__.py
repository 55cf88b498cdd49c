"""Class imbalance and shift reweighting.

Class and sample weights, logit-adjustment offsets, resamplers with imbalanced-learn's
``fit_resample`` contract, label-shift (prior) estimation and correction, covariate-shift
importance weights, and metrics that tell the truth on imbalanced data. The heavy work runs
in the C++ core (``include/shiftguard/imbalance/``).
"""

from __future__ import annotations

from ._base import BaseSampler, kneighbors
from ._combine import SMOTEENN, SMOTETomek
from ._covariate_shift import (
    CovariateShiftWeights,
    LowEffectiveSampleSizeWarning,
    effective_sample_size,
)
from ._label_shift import (
    LabelShiftResult,
    LabelShiftWarning,
    adjust_probabilities,
    estimate_label_shift,
    label_shift_weights,
)
from ._metrics import (
    ImbalanceReport,
    UndefinedMetricWarning,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    geometric_mean_score,
    imbalance_report,
    matthews_corrcoef,
    precision_recall_fscore_support,
    roc_auc_score,
)
from ._over import ADASYN, SMOTE, SMOTENC, BorderlineSMOTE
from ._under import (
    EditedNearestNeighbours,
    NearMiss,
    RandomOverSampler,
    RandomUnderSampler,
    TomekLinks,
)
from ._weights import compute_class_weight, compute_sample_weight, logit_adjustment

__all__ = [
    "ADASYN",
    "SMOTE",
    "SMOTEENN",
    "SMOTENC",
    "BaseSampler",
    "BorderlineSMOTE",
    "CovariateShiftWeights",
    "EditedNearestNeighbours",
    "ImbalanceReport",
    "LabelShiftResult",
    "LabelShiftWarning",
    "LowEffectiveSampleSizeWarning",
    "NearMiss",
    "RandomOverSampler",
    "RandomUnderSampler",
    "SMOTETomek",
    "TomekLinks",
    "UndefinedMetricWarning",
    "adjust_probabilities",
    "average_precision_score",
    "balanced_accuracy_score",
    "compute_class_weight",
    "compute_sample_weight",
    "confusion_matrix",
    "effective_sample_size",
    "estimate_label_shift",
    "f1_score",
    "geometric_mean_score",
    "imbalance_report",
    "kneighbors",
    "label_shift_weights",
    "logit_adjustment",
    "matthews_corrcoef",
    "precision_recall_fscore_support",
    "roc_auc_score",
]
