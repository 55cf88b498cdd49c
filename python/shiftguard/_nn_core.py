"""The compiled network trainer for this CPU.

``shiftguard._core_nn_avx`` (the trainer of ``shiftguard._core`` compiled with ``-mavx
-mfma``) when the CPU has AVX and FMA and that module was built, else ``shiftguard._core``.
Setting the environment variable ``SHIFTGUARD_NN_BASELINE=1`` forces the baseline module.
Both expose the same names (``MLP32``, ``MLP64``, ``nn_fit``, ...); objects of one module
must only be passed to the functions of the same module, so use ``core`` throughout.
"""

from __future__ import annotations

import os
from types import ModuleType

from shiftguard import _core


def cpu_has_avx_fma() -> bool:
    """Whether NumPy's CPU feature detection reports both AVX and FMA3."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy < 2
        try:
            from numpy.core._multiarray_umath import __cpu_features__ as features
        except ImportError:
            return False
    return bool(features.get("AVX")) and bool(features.get("FMA3"))


def _select() -> ModuleType:
    if os.environ.get("SHIFTGUARD_NN_BASELINE", "") not in ("", "0") or not cpu_has_avx_fma():
        return _core
    try:
        from shiftguard import _core_nn_avx
    except ImportError:
        return _core
    return _core_nn_avx


core: ModuleType = _select()
"""The module to use: ``shiftguard._core_nn_avx`` or ``shiftguard._core``."""
