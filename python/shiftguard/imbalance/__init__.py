"""Class imbalance and shift reweighting.

Class and sample weights, logit-adjustment offsets, resamplers with imbalanced-learn's
``fit_resample`` contract, label-shift (prior) estimation and correction, covariate-shift
importance weights, and metrics that tell the truth on imbalanced data. The heavy work runs
in the C++ core (``include/shiftguard/imbalance/``).
"""

from __future__ import annotations

__all__: list[str] = []

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
