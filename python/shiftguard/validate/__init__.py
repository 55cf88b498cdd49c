"""Data validation.

Mergeable column profiles (moments, quantile sketch, distinct count, heavy hitters) and the
drift between two profiles, schema inference and validation with an anomaly report, integrity
checks of training sets (duplicates, conflicting labels, outliers, leakage, contamination,
label issues by confident learning), and validation of N-d batches. The heavy work runs in the
C++ core (``include/shiftguard/validate/``); ``shiftguard.dask.profile`` scales profiles out.
"""

from __future__ import annotations

from ._integrity import (
    ContaminationResult,
    DuplicateResult,
    ImbalanceSummary,
    OutlierResult,
    check_integrity,
    find_conflicting_labels,
    find_contamination,
    find_duplicates,
    find_label_issues,
    find_leakage,
    find_mixed_types,
    find_near_constant,
    find_outliers,
    imbalance_summary,
)
from ._profile import ColumnProfile, Profile, profile
from ._report import SEVERITIES, Anomaly, ValidationError, ValidationReport
from ._schema import ANOMALY_KINDS, COLUMN_TYPES, ColumnSchema, Schema, infer_schema, validate
from ._sketch import HeavyHitters, HyperLogLog, KLLSketch, Moments
from ._tensor import (
    TensorSchema,
    TensorSummary,
    describe_tensor,
    infer_tensor_schema,
    validate_tensor,
)

__all__ = [
    "SEVERITIES",
    "Anomaly",
    "ValidationError",
    "ValidationReport",
    "TensorSchema",
    "TensorSummary",
    "describe_tensor",
    "infer_tensor_schema",
    "validate_tensor",
    "ColumnProfile",
    "Profile",
    "profile",
    "HeavyHitters",
    "HyperLogLog",
    "KLLSketch",
    "Moments",
    "ANOMALY_KINDS",
    "COLUMN_TYPES",
    "ColumnSchema",
    "Schema",
    "infer_schema",
    "validate",
    "ContaminationResult",
    "DuplicateResult",
    "ImbalanceSummary",
    "OutlierResult",
    "check_integrity",
    "find_conflicting_labels",
    "find_contamination",
    "find_duplicates",
    "find_label_issues",
    "find_leakage",
    "find_mixed_types",
    "find_near_constant",
    "find_outliers",
    "imbalance_summary",
]
