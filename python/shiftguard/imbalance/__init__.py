"""Class imbalance and shift reweighting.

Class and sample weights, logit-adjustment offsets, resamplers with imbalanced-learn's
``fit_resample`` contract, label-shift (prior) estimation and correction, covariate-shift
importance weights, and metrics that tell the truth on imbalanced data. The heavy work runs
in the C++ core (``include/shiftguard/imbalance/``).
"""

from __future__ import annotations

from ._combine import SMOTEENN, SMOTETomek
from ._over import ADASYN, SMOTE, SMOTENC, BorderlineSMOTE

__all__: list[str] = []
__all__ += ["SMOTE", "BorderlineSMOTE", "ADASYN", "SMOTENC", "SMOTETomek", "SMOTEENN"]
