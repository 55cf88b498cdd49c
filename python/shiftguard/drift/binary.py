"""Drift detectors for binary error streams (1 = the model was wrong, 0 = it was right),
with river's ``drift.binary`` semantics: each reports ``drift_detected`` and
``warning_detected``."""

from __future__ import annotations

__all__: list[str] = []
