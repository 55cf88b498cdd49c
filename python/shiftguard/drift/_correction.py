"""Multiple-testing corrections of per-feature p-values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from .._validation import check_option, check_p_val

__all__ = ["CorrectionResult", "correct_p_values"]


@dataclass(frozen=True, eq=False)
class CorrectionResult:
    """Outcome of :func:`correct_p_values`."""

    corrected_p_values: np.ndarray
    """Adjusted p-values (statsmodels' ``multipletests`` definitions)."""
    rejected: np.ndarray
    """Per p-value: raw p-value strictly below ``threshold``."""
    threshold: float
    """Cut-off on the raw p-values; every p-value below it is rejected, and only those."""
    method: str
    """Canonical name of the correction."""
    alpha: float
    ranks: np.ndarray
    """1-based rank of each raw p-value (ties in index order)."""
    step_thresholds: np.ndarray
    """The level each p-value is compared with at its rank."""
    reasons: tuple[str, ...]
    """``"below_threshold"``, ``"above_threshold"``, ``"step_down_stopped"`` (Holm) or
    ``"step_up_included"`` (Benjamini-Hochberg/-Yekutieli) per p-value."""
    explanations: tuple[str, ...]
    """One sentence per p-value, e.g. ``"p 0.003 < Holm step threshold 0.0125 (rank 1 of 4)"``."""

    @property
    def any_rejected(self) -> bool:
        return bool(self.rejected.any())


def correct_p_values(
    p_values: Any, method: str = "bonferroni", alpha: float = 0.05
) -> CorrectionResult:
    """Adjust p-values for multiple testing and decide which hypotheses to reject.

    The adjusted p-values equal those of ``statsmodels.stats.multitest.multipletests`` for
    "bonferroni", "sidak", "holm", "fdr_bh" and "fdr_by". A p-value is rejected when it is
    strictly below the returned threshold (alibi-detect's convention; statsmodels rejects
    at equality too).

    Parameters
    ----------
    p_values : array_like, 1-D
        Raw p-values in [0, 1].
    method : {"none", "bonferroni", "sidak", "holm", "fdr", "bh", "by"}, default "bonferroni"
        "fdr"/"bh" is Benjamini-Hochberg, "by" Benjamini-Yekutieli (valid under any
        dependence); "holm" is the step-down family-wise procedure. statsmodels' spellings
        "fdr_bh" and "fdr_by" are accepted.
    alpha : float, default 0.05
        Family-wise error rate (none, bonferroni, sidak, holm) or false discovery rate
        (fdr, by).

    Returns
    -------
    CorrectionResult

    Examples
    --------
    >>> from shiftguard.drift import correct_p_values
    >>> result = correct_p_values([0.01, 0.04, 0.5, 0.003], method="holm")
    >>> result.corrected_p_values.round(3).tolist()
    [0.03, 0.08, 0.5, 0.012]
    >>> result.rejected.tolist()
    [True, False, False, True]
    >>> result.explanations[3]
    'p 0.003 < Holm step threshold 0.0125 (rank 1 of 4)'
    """
    method = check_option("correction", method)
    alpha = check_p_val(alpha)
    if isinstance(p_values, (str, bytes)):
        raise TypeError(f"p_values must be an array of numbers, got {type(p_values).__name__}")
    array = np.asarray(p_values)
    if array.dtype == object or array.dtype.kind not in "fiub":
        raise TypeError(f"p_values must hold numbers, got dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"p_values must be 1-D, got {array.ndim}-D array of shape {array.shape}")
    if array.size == 0:
        raise ValueError("p_values is empty")
    raw = _core.apply_correction(array.astype(np.float64).tolist(), alpha, method)
    return CorrectionResult(
        corrected_p_values=raw["corrected_p_values"],
        rejected=raw["rejected"],
        threshold=float(raw["threshold"]),
        method=str(raw["method"]),
        alpha=alpha,
        ranks=raw["ranks"],
        step_thresholds=raw["step_thresholds"],
        reasons=tuple(raw["reasons"]),
        explanations=tuple(raw["explanations"]),
    )
