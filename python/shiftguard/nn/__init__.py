"""Small-network training: a CPU trainer for tabular MLPs with guard rails.

Estimators that follow scikit-learn's contract, trained by the C++ core
(``include/shiftguard/nn/``): class weights, early stopping, learning-rate range test,
overfitting and NaN warnings, temperature scaling, pruning and int8 quantisation.
The estimators need scikit-learn (their base classes); it is imported on first use, so
``import shiftguard`` works without it.
"""

from __future__ import annotations

from typing import Any

_MLP_NAMES = (
    "CompressionReport",
    "LRRangeResult",
    "MLPClassifier",
    "MLPRegressor",
    "NaNLossError",
    "OverfittingWarning",
    "TrainingWarning",
)

__all__: list[str] = [*_MLP_NAMES]


def __getattr__(name: str) -> Any:
    if name in _MLP_NAMES:
        from . import _mlp

        return getattr(_mlp, name)
    raise AttributeError(f"module 'shiftguard.nn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_MLP_NAMES])
