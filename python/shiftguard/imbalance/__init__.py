"""Class imbalance and shift reweighting.

Class and sample weights, logit-adjustment offsets, resamplers with imbalanced-learn's
``fit_resample`` contract, label-shift (prior) estimation and correction, covariate-shift
importance weights, and metrics that tell the truth on imbalanced data. The heavy work runs
in the C++ core (``include/shiftguard/imbalance/``).
"""

from __future__ import annotations

from ._base import BaseSampler, kneighbors

__all__: list[str] = []

from ._metrics import (  # noqa: E402
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
from ._weights import compute_class_weight, compute_sample_weight, logit_adjustment  # noqa: E402

__all__ += [
    "ImbalanceReport",
    "UndefinedMetricWarning",
    "average_precision_score",
    "balanced_accuracy_score",
    "compute_class_weight",
    "compute_sample_weight",
    "confusion_matrix",
    "f1_score",
    "geometric_mean_score",
    "imbalance_report",
    "logit_adjustment",
    "matthews_corrcoef",
    "precision_recall_fscore_support",
    "roc_auc_score",
]

__all__ += ["BaseSampler", "kneighbors"]

from ._under import (  # noqa: E402
    EditedNearestNeighbours,
    NearMiss,
    RandomOverSampler,
    RandomUnderSampler,
    TomekLinks,
)

__all__ += [
    "EditedNearestNeighbours",
    "NearMiss",
    "RandomOverSampler",
    "RandomUnderSampler",
    "TomekLinks",
]

from ._over import ADASYN, SMOTE, SMOTENC, BorderlineSMOTE  # noqa: E402
from ._combine import SMOTEENN, SMOTETomek  # noqa: E402

__all__ += ["SMOTE", "BorderlineSMOTE", "ADASYN", "SMOTENC", "SMOTETomek", "SMOTEENN"]
from ._covariate_shift import (  # noqa: E402
    CovariateShiftWeights,
    LowEffectiveSampleSizeWarning,
    effective_sample_size,
)
from ._label_shift import (  # noqa: E402
    LabelShiftResult,
    LabelShiftWarning,
    adjust_probabilities,
    estimate_label_shift,
    label_shift_weights,
)

__all__ += [
    "CovariateShiftWeights",
    "LabelShiftResult",
    "LabelShiftWarning",
    "LowEffectiveSampleSizeWarning",
    "adjust_probabilities",
    "effective_sample_size",
    "estimate_label_shift",
    "label_shift_weights",
]
