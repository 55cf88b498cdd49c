"""Mergeable sketches: KLL quantiles, HyperLogLog distinct counts, heavy hitters, moments.

Each sketch summarises a stream in bounded memory, merges with a sketch of another part of
the data (``a.merge(b)`` returns a new sketch of both parts, within the stated error), and
saves to a compact, versioned, checksummed binary form (``to_bytes``) and to JSON
(``to_json``); pickling uses the binary form. The work runs in the C++ core
(``include/shiftguard/validate/sketch/``).

>>> import numpy as np
>>> from shiftguard.validate import KLLSketch
>>> rng = np.random.default_rng(0)
>>> left, right = KLLSketch(), KLLSketch()
>>> left.update(rng.normal(size=50_000)).update(rng.normal(size=10))
KLLSketch(k=200, count=50010)
>>> right.update(rng.normal(size=50_000))
KLLSketch(k=200, count=50000)
>>> both = left.merge(right)
>>> both.count, abs(both.quantile(0.5)) < 0.05
(100010, True)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

from .. import _core

__all__ = ["HeavyHitters", "HyperLogLog", "KLLSketch", "Moments"]

_S = TypeVar("_S", bound="_Sketch")


# --------------------------------------------------------------------------- checks


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return int(value)


def _numeric_vector(values: Any, name: str = "values") -> np.ndarray:
    """A 1-D float32/float64 array (ints and bools become float64), without copying floats."""
    array = np.asarray(values)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {array.shape}")
    if array.dtype.kind in "fc" and array.dtype not in (np.float32, np.float64):
        if array.dtype.kind == "c":
            raise TypeError(f"{name} must be real numbers, got dtype {array.dtype}")
        array = array.astype(np.float64)
    elif array.dtype.kind in "iub":
        array = array.astype(np.float64)
    elif array.dtype.kind != "f":
        raise TypeError(f"{name} must be numeric (int, float or bool), got dtype {array.dtype}")
    return array


def _is_missing(item: Any) -> bool:
    if item is None:
        return True
    if isinstance(item, (float, np.floating)):
        return bool(np.isnan(item))
    try:
        import pandas as pd

        return item is pd.NA or item is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def _string_items(values: Any, name: str = "values") -> tuple[list[str], np.ndarray]:
    """The string form of each non-missing item, and the mask of kept positions."""
    if isinstance(values, (str, bytes)):
        values = [values]
    array = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {array.shape}")
    items = array.tolist()
    keep = np.fromiter((not _is_missing(v) for v in items), dtype=bool, count=len(items))
    strings = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v, k in zip(items, keep) if k]
    return strings, keep


def _check_same(self: _Sketch, other: Any) -> None:
    if not isinstance(other, type(self)):
        raise TypeError(
            f"can only merge a {type(self).__name__} with another {type(self).__name__}, "
            f"got {type(other).__name__}"
        )


# --------------------------------------------------------------------------- base


class _Sketch:
    _core_type: Any = None

    def __init__(self) -> None:
        self._sketch: Any = None

    @classmethod
    def _wrap(cls: type[_S], sketch: Any) -> _S:
        out = cls.__new__(cls)
        out._sketch = sketch
        return out

    def copy(self: _S) -> _S:
        """An independent copy of the sketch."""
        return type(self)._wrap(self._sketch.copy())

    def merge(self: _S, other: _S) -> _S:
        """A new sketch of the data of both ``self`` and ``other`` (neither is changed)."""
        _check_same(self, other)
        merged = self._sketch.copy()
        merged.merge(other._sketch)
        return type(self)._wrap(merged)

    def to_bytes(self) -> bytes:
        """The binary form: shiftguard's container (magic, versions, type tag, CRC-32)."""
        return bytes(self._sketch.to_bytes())

    @classmethod
    def from_bytes(cls: type[_S], data: bytes | bytearray | memoryview) -> _S:
        """Load ``to_bytes()`` output; ``ValueError`` when truncated, corrupted or foreign."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        return cls._wrap(cls._core_type.from_bytes(bytes(data)))

    def to_json(self) -> str:
        """The JSON form (a string); see ``docs/validate-sketch.md`` for its fields."""
        return str(self._sketch.to_json())

    @classmethod
    def from_json(cls: type[_S], text: str | dict[str, Any]) -> _S:
        """Load ``to_json()`` output (a string, or the dict ``json.loads`` makes of it)."""
        if isinstance(text, dict):
            text = json.dumps(text)
        if not isinstance(text, str):
            raise TypeError(f"text must be a JSON string or dict, got {type(text).__name__}")
        return cls._wrap(cls._core_type.from_json(text))

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (type(self).from_bytes, (self.to_bytes(),))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    __hash__ = None  # type: ignore[assignment]  # mutable


# --------------------------------------------------------------------------- KLL


class KLLSketch(_Sketch):
    """KLL quantile sketch (Karnin, Lang and Liberty 2016) of a stream of numbers.

    Keeps fewer than about ``3 k`` values whatever the length of the stream and answers
    quantile and rank queries with a normalized rank error below
    ``normalized_rank_error = 2.3 / k**0.97`` (about 0.013 for ``k=200``) for a single query
    with about 99% confidence. NaN and infinite values are skipped (not counted). Random
    choices come from ``seed``: the same data in the same order gives the same sketch.

    Parameters
    ----------
    k : int, default 200
        Accuracy parameter in [8, 65535]; the error shrinks about as 1/k.
    seed : int, default 0
        Seed of the sketch's random choices, in [0, 2**64).

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.validate import KLLSketch
    >>> x = np.random.default_rng(1).uniform(size=100_000)
    >>> sketch = KLLSketch(k=200).update(x)
    >>> sketch.count, sketch.min == float(x.min()), sketch.max == float(x.max())
    (100000, True, True)
    >>> bool(abs(sketch.quantile(0.9) - np.quantile(x, 0.9)) < 0.02)
    True
    >>> bool(abs(sketch.rank(0.25) - 0.25) < sketch.normalized_rank_error)
    True
    >>> KLLSketch.from_bytes(sketch.to_bytes()) == sketch
    True
    """

    _core_type = _core.KllSketch

    def __init__(self, k: int = 200, seed: int = 0) -> None:
        super().__init__()
        k = _check_int("k", k, 8, 65535)
        seed = _check_int("seed", seed, 0, 2**64 - 1)
        self._sketch = _core.KllSketch(k, seed)

    def update(self, values: Any) -> KLLSketch:
        """Add numbers (a scalar, or a 1-D array-like); NaN and infinities are skipped.

        Returns ``self``, so calls chain.
        """
        self._sketch.update_array(_numeric_vector(values))
        return self

    @property
    def count(self) -> int:
        """Number of (finite) values added."""
        return int(self._sketch.count)

    @property
    def min(self) -> float:
        """Exact minimum (NaN when empty)."""
        return float(self._sketch.min)

    @property
    def max(self) -> float:
        """Exact maximum (NaN when empty)."""
        return float(self._sketch.max)

    @property
    def k(self) -> int:
        return int(self._sketch.k)

    @property
    def seed(self) -> int:
        return int(self._sketch.seed)

    @property
    def retained(self) -> int:
        """Number of values the sketch keeps."""
        return int(self._sketch.retained)

    @property
    def normalized_rank_error(self) -> float:
        """The single-query rank-error bound ``2.3 / k**0.97`` (about 99% confidence)."""
        return float(self._sketch.normalized_rank_error)

    def quantile(self, q: float) -> float:
        """The ``q``-quantile, ``q`` in [0, 1]: exact min at 0 and max at 1, NaN when empty.

        The answer is a value of the stream whose rank is within ``normalized_rank_error``
        of ``q`` (no interpolation between values).
        """
        if isinstance(q, bool) or not isinstance(q, (int, float, np.integer, np.floating)):
            raise TypeError(f"q must be a number in [0, 1], got {q!r}")
        return float(self._sketch.quantile(float(q)))

    def quantiles(self, qs: Sequence[float] | np.ndarray) -> np.ndarray:
        """``quantile`` of each of ``qs`` (an array of the same length)."""
        qs_array = np.asarray(qs, dtype=np.float64).reshape(-1)
        return np.asarray(self._sketch.quantiles(qs_array.tolist()))

    def rank(self, x: float | Sequence[float] | np.ndarray) -> float | np.ndarray:
        """Normalized rank of ``x`` (fraction of the values <= x); an array for an array."""
        if np.ndim(x) == 0:
            return float(self._sketch.rank(float(x)))  # type: ignore[arg-type]
        xs = np.asarray(x, dtype=np.float64)
        return np.asarray(self._sketch.ranks(xs.reshape(-1).tolist())).reshape(xs.shape)

    def sorted_view(self) -> tuple[np.ndarray, np.ndarray]:
        """The retained values in ascending order and their weights (summing to ``count``)."""
        items, weights = self._sketch.sorted_view()
        return np.asarray(items), np.asarray(weights)

    def __repr__(self) -> str:
        return f"KLLSketch(k={self.k}, count={self.count})"


# --------------------------------------------------------------------------- HyperLogLog


class HyperLogLog(_Sketch):
    """HyperLogLog distinct count (Flajolet et al. 2007) with linear counting for small sets.

    ``2**precision`` one-byte registers; the relative standard error is
    ``1.04 / sqrt(2**precision)`` (1.6% at the default 12). Numeric arrays are hashed by value
    (``-0.0`` equals ``0.0``; ints become float64, so integers above 2**53 that round to the
    same double count once); other values (strings, objects) by their ``str()`` form. NaN,
    None and other missing values are skipped. ``merge`` is exact: the merge of the sketches
    of A and B has the registers of the sketch of A | B.

    Parameters
    ----------
    precision : int, default 12
        Number of index bits, in [4, 18].

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.validate import HyperLogLog
    >>> x = np.random.default_rng(0).integers(0, 20_000, size=100_000)
    >>> sketch = HyperLogLog().update(x)
    >>> exact = len(np.unique(x))
    >>> bool(abs(sketch.estimate() - exact) < 3 * sketch.relative_error * exact)
    True
    >>> words = HyperLogLog(precision=10).update(["a", "b", "a", None, "c"])
    >>> round(words.estimate())
    3
    """

    _core_type = _core.HyperLogLogSketch

    def __init__(self, precision: int = 12) -> None:
        super().__init__()
        precision = _check_int("precision", precision, 4, 18)
        self._sketch = _core.HyperLogLogSketch(precision)

    def update(self, values: Any) -> HyperLogLog:
        """Add values: a numeric array (by value) or strings/objects (by ``str()``)."""
        array = values if isinstance(values, np.ndarray) else None
        if array is None and not isinstance(values, (str, bytes)):
            try:
                array = np.asarray(values)
            except (ValueError, TypeError):
                array = None
        if array is not None and array.dtype.kind in "iufb":
            self._sketch.update_array(_numeric_vector(array))
        else:
            strings, _ = _string_items(values)
            self._sketch.update_strings(strings)
        return self

    def add_hashes(self, hashes: Any) -> HyperLogLog:
        """Add precomputed 64-bit hashes (``numpy.uint64``), for example of a custom type."""
        array = np.asarray(hashes)
        if array.dtype.kind not in "ui":
            raise TypeError(f"hashes must be unsigned 64-bit integers, got dtype {array.dtype}")
        self._sketch.add_hashes(array.astype(np.uint64, copy=False).reshape(-1))
        return self

    def estimate(self) -> float:
        """Estimated number of distinct values."""
        return float(self._sketch.estimate())

    @property
    def precision(self) -> int:
        return int(self._sketch.precision)

    @property
    def relative_error(self) -> float:
        """The relative standard error ``1.04 / sqrt(2**precision)``."""
        return float(self._sketch.relative_error)

    def registers(self) -> np.ndarray:
        """The registers (uint8), for inspection."""
        return np.asarray(self._sketch.registers())

    def __repr__(self) -> str:
        return f"HyperLogLog(precision={self.precision}, estimate={self.estimate():.0f})"


# --------------------------------------------------------------------------- heavy hitters


class HeavyHitters(_Sketch):
    """Frequent items with guaranteed error: Misra-Gries with weights, mergeable.

    Items are identified by their ``str()`` form (missing values are skipped). Every
    estimated count lies in ``[true - max_error, true]`` with
    ``max_error <= total_weight / (capacity + 1)``; with at most ``capacity`` distinct items
    the counts are exact. ``merge`` adds the counters and reduces once (Agarwal et al.
    2012): exact below capacity, within the bound above it.

    Parameters
    ----------
    capacity : int, default 64
        Number of counters kept, in [1, 2**24].

    Examples
    --------
    >>> from shiftguard.validate import HeavyHitters
    >>> sketch = HeavyHitters(capacity=4).update(["a", "b", "a", "c", "a", "b"])
    >>> sketch.top(2)
    [('a', 3), ('b', 2)]
    >>> sketch.update(["d"], weights=[10]).top(1), sketch.max_error
    ([('d', 10)], 0)
    """

    _core_type = _core.HeavyHittersSketch

    def __init__(self, capacity: int = 64) -> None:
        super().__init__()
        capacity = _check_int("capacity", capacity, 1, 2**24)
        self._sketch = _core.HeavyHittersSketch(capacity)

    def update(self, values: Any, weights: Any = None) -> HeavyHitters:
        """Add items (1-D array-like of any values), each with weight 1 or ``weights[i]``."""
        strings, keep = _string_items(values)
        weight_list: list[int] = []
        if weights is not None:
            w = np.asarray(weights)
            if w.ndim != 1 or w.shape[0] != keep.shape[0]:
                raise ValueError(
                    f"weights must be 1-D with one entry per value ({keep.shape[0]}), "
                    f"got shape {w.shape}"
                )
            if w.dtype.kind not in "iu":
                raise TypeError(f"weights must be non-negative integers, got dtype {w.dtype}")
            if w.size and w.min() < 0:
                raise ValueError(f"weights must be non-negative integers, got {int(w.min())}")
            weight_list = [int(v) for v in w[keep].tolist()]
        self._sketch.update_strings(strings, weight_list)
        return self

    def top(self, n: int | None = None) -> list[tuple[str, int]]:
        """The ``n`` items with the largest estimated counts (all when None), descending."""
        if n is None:
            n = self._sketch.size
        n = _check_int("n", n, 0, 2**62)
        return [(item, int(count)) for item, count in self._sketch.top(n)]

    def estimate(self, item: Any) -> int:
        """Estimated count of ``item`` (0 when not tracked)."""
        return int(self._sketch.estimate(str(item)))

    @property
    def total_weight(self) -> int:
        return int(self._sketch.total_weight)

    @property
    def max_error(self) -> int:
        """Largest possible undercount of any item (the sum of the reductions)."""
        return int(self._sketch.max_error)

    @property
    def capacity(self) -> int:
        return int(self._sketch.capacity)

    def __repr__(self) -> str:
        return (
            f"HeavyHitters(capacity={self.capacity}, total_weight={self.total_weight}, "
            f"max_error={self.max_error})"
        )


# --------------------------------------------------------------------------- moments


class Moments(_Sketch):
    """Count, mean, variance, min and max: numerically stable and mergeable (Chan et al.).

    NaN values are skipped (not counted); infinities make the mean infinite and the
    variance NaN, as in NumPy. ``a.merge(b)`` equals ``b.merge(a)`` bit for bit.

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.validate import Moments
    >>> x = np.array([1.0, 2.0, np.nan, 4.0])
    >>> m = Moments().update(x[:2]).merge(Moments().update(x[2:]))
    >>> m.count, round(m.mean, 12), round(m.variance(), 12), m.min, m.max
    (3, 2.333333333333, 2.333333333333, 1.0, 4.0)
    """

    _core_type = _core.MomentsSketch

    def __init__(self) -> None:
        super().__init__()
        self._sketch = _core.MomentsSketch()

    def update(self, values: Any) -> Moments:
        """Add numbers (a scalar or 1-D array-like); NaN is skipped."""
        self._sketch.update_array(_numeric_vector(values))
        return self

    @property
    def count(self) -> int:
        return int(self._sketch.count)

    @property
    def mean(self) -> float:
        return float(self._sketch.mean)

    @property
    def sum(self) -> float:
        return float(self._sketch.sum)

    @property
    def min(self) -> float:
        return float(self._sketch.min)

    @property
    def max(self) -> float:
        return float(self._sketch.max)

    def variance(self, ddof: int = 1) -> float:
        """Sum of squared deviations over ``count - ddof`` (NaN when ``count <= ddof``)."""
        return float(self._sketch.variance(_check_int("ddof", ddof, 0, 2**31 - 1)))

    def std(self, ddof: int = 1) -> float:
        return float(np.sqrt(self.variance(ddof)))

    def __repr__(self) -> str:
        return f"Moments(count={self.count}, mean={self.mean!r})"
