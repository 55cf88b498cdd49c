"""Profiles of Dask DataFrames: each partition is profiled on the workers, the profiles travel
as bytes and merge in a tree, and one :class:`shiftguard.validate.Profile` comes back, the same
object :func:`shiftguard.validate.profile` builds on one machine (equal within the sketches'
error: counts, missing counts, extremes and distinct-count registers exactly).

Dask is an optional dependency, imported when :func:`profile` is called.

>>> import pandas as pd
>>> import dask.dataframe as dd
>>> import shiftguard.dask
>>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, None], "c": ["a", "b", "a", "a", "b"]})
>>> p = shiftguard.dask.profile(dd.from_pandas(frame, npartitions=2), scheduler="sync")
>>> p.n_rows, p["x"].count, p["x"].mean, p["c"].top(1)
(5, 4, 2.5, [('a', 3)])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .validate import Profile
from .validate import profile as _profile_table

__all__ = ["profile"]


def _import_dask():
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as error:  # pragma: no cover - dask is a test dependency
        raise ImportError(
            "shiftguard.dask.profile needs dask with its DataFrame support: "
            "pip install 'dask[dataframe]' (and 'distributed' for a cluster)"
        ) from error
    return dask, dd


def _partition_profile(frame: Any, options: dict[str, Any]) -> bytes:
    """Runs on a worker: the profile of one partition, as bytes (compact, versioned)."""
    return _profile_table(frame, **options).to_bytes()


def _merge_profiles(*blobs: bytes) -> bytes:
    """Runs on a worker: merge a group of profiles, in the given order."""
    return Profile.merge_all([Profile.from_bytes(blob) for blob in blobs]).to_bytes()


def profile(
    ddf: Any,
    *,
    split_every: int = 8,
    categorical: Sequence[str] | None = None,
    quantile_k: int = 200,
    hll_precision: int = 12,
    top_k: int = 64,
    seed: int = 0,
    n_jobs: int | None = 1,
    scheduler: str | None = None,
) -> Profile:
    """Profile a Dask DataFrame on its workers.

    Each partition is profiled where it lives with :func:`shiftguard.validate.profile` (same
    keywords), its profile is shipped as :meth:`Profile.to_bytes`, and the profiles are merged
    by a tree of tasks, at most ``split_every`` at a time, in partition order (so a given
    partitioning always gives the same bytes). Empty partitions are fine.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    split_every : int, default 8
        Fan-in of the merge tree (>= 2).
    categorical, quantile_k, hll_precision, top_k, seed
        As in :func:`shiftguard.validate.profile`; every partition uses the same values, so
        their sketches merge.
    n_jobs : int or None, default 1
        Threads per partition task (None: all cores of the worker). Dask already runs
        partitions in parallel, hence the default of 1.
    scheduler : str, optional
        Passed to ``dask.compute`` (``'sync'``, ``'threads'``, ``'processes'``); None uses the
        default scheduler, or the ``distributed.Client`` in use.

    Returns
    -------
    Profile

    Examples
    --------
    >>> import numpy as np, pandas as pd, dask.dataframe as dd
    >>> import shiftguard.dask
    >>> from shiftguard.validate import profile
    >>> frame = pd.DataFrame({"x": np.arange(1000.0), "y": np.arange(1000) % 7})
    >>> ddf = dd.from_pandas(frame, npartitions=10)
    >>> p = shiftguard.dask.profile(ddf, split_every=3)
    >>> single = profile(frame)
    >>> (p["x"].count, p["x"].min, p["x"].max) == (single["x"].count, single["x"].min, single["x"].max)
    True
    >>> p["y"].n_distinct == single["y"].n_distinct
    True
    """
    dask, dd = _import_dask()
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(
            "ddf must be a dask.dataframe.DataFrame, got "
            f"{type(ddf).__module__}.{type(ddf).__name__} (profile pandas frames with "
            "shiftguard.validate.profile)"
        )
    if isinstance(split_every, bool) or not isinstance(split_every, int):
        raise TypeError(f"split_every must be an int >= 2, got {split_every!r}")
    if split_every < 2:
        raise ValueError(f"split_every must be >= 2, got {split_every}")
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(f"scheduler must be a str or None, got {scheduler!r}")
    options = {
        "categorical": list(categorical) if categorical is not None else None,
        "quantile_k": quantile_k,
        "hll_precision": hll_precision,
        "top_k": top_k,
        "seed": seed,
        "n_jobs": n_jobs,
    }
    # Check the keywords and the column types here, on the (empty) meta frame, so that bad
    # input fails before any task runs, with the same message as on one machine.
    meta_bytes = _partition_profile(ddf._meta, options)
    parts = ddf.to_delayed()
    level = [dask.delayed(_partition_profile)(part, options) for part in parts]
    while len(level) > 1:
        level = [
            dask.delayed(_merge_profiles)(*level[start : start + split_every])
            for start in range(0, len(level), split_every)
        ]
    if not level:
        return Profile.from_bytes(meta_bytes)
    compute_options = {} if scheduler is None else {"scheduler": scheduler}
    (merged,) = dask.compute(level[0], **compute_options)
    return Profile.from_bytes(merged)
