"""Small-network training: a CPU trainer for tabular MLPs with guard rails.

Estimators that follow scikit-learn's contract, trained by the C++ core
(``include/shiftguard/nn/``): class weights, early stopping, learning-rate range test,
overfitting and NaN warnings, temperature scaling, pruning and int8 quantisation.
"""

from __future__ import annotations

__all__: list[str] = []
