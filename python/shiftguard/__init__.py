"""shiftguard: keeps machine-learning projects from failing quietly.

Drift detection (this release: the Kolmogorov-Smirnov test and detector), with class
imbalance correction, data validation and small-network training to come. The heavy work
runs in the C++ core (``shiftguard._core``); this package owns argument checking, result
objects and the command line.

>>> import numpy as np, shiftguard
>>> rng = np.random.default_rng(2)
>>> detector = shiftguard.KSDrift(rng.normal(size=(500, 2)))
>>> detector.predict(rng.normal(size=(400, 2))).is_drift
False
"""

from __future__ import annotations

from . import datasets, drift, imbalance, nn, validate
from ._core import DTypeError, Error, FormatError, InvalidArgumentError, ShapeError
from ._core import __version__ as _core_version
from .drift import KSDrift, KSDriftResult, KSResult, ks_2samp

__version__ = "0.1.0"
if _core_version != __version__:  # pragma: no cover - a stale build
    raise ImportError(
        f"shiftguard {__version__} found a compiled core of version {_core_version}; "
        "reinstall with 'pip install .'"
    )

__all__ = [
    "DTypeError",
    "Error",
    "FormatError",
    "InvalidArgumentError",
    "KSDrift",
    "KSDriftResult",
    "KSResult",
    "ShapeError",
    "__version__",
    "datasets",
    "drift",
    "imbalance",
    "nn",
    "validate",
    "ks_2samp",
]
