"""Validation of N-d batches (images ``N x H x W x C``, sequences ``N x T x F``, ...).

Axis 0 holds the samples. The batch is read in place by the C++ core through an xtensor view
of the NumPy buffer with its own strides, so slices, transposes and other strided views are
validated without a copy. One parallel pass gathers per-channel statistics, NaN, infinite and
out-of-range values, and blank samples; results do not depend on the thread count.

>>> import numpy as np
>>> from shiftguard.validate import infer_tensor_schema, validate_tensor
>>> rng = np.random.default_rng(0)
>>> reference = rng.uniform(0, 1, size=(64, 8, 8, 3)).astype(np.float32)
>>> schema = infer_tensor_schema(reference)
>>> schema.shape, schema.dtype, schema.channel_axis
((-1, 8, 8, 3), 'float32', 3)
>>> batch = rng.uniform(0, 1, size=(16, 8, 8, 3)).astype(np.float32)
>>> batch[5, 2, 2, 0] = np.nan
>>> batch[9] = 0.5
>>> report = validate_tensor(batch, schema)
>>> [(a.kind, a.rows) for a in report]
[('nan', (5,)), ('blank_sample', (9,))]
"""

from __future__ import annotations

import json
import math
import pathlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from .. import _core
from .._validation import check_n_threads
from ._report import Anomaly, ValidationReport

__all__ = [
    "TensorSchema",
    "TensorSummary",
    "describe_tensor",
    "infer_tensor_schema",
    "validate_tensor",
]

_FORMAT = "shiftguard.tensor_schema"
_VERSION = 1
_DTYPES = (
    "bool",
    "uint8",
    "int8",
    "uint16",
    "int16",
    "uint32",
    "int32",
    "uint64",
    "int64",
    "float32",
    "float64",
)


# --------------------------------------------------------------------------- input


def _as_batch(x: Any, name: str) -> np.ndarray:
    """``x`` as a NumPy array the core reads in place. A copy is made only for non-native byte
    order or strides that are not a multiple of the item size (views of structured arrays)."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    array = x if isinstance(x, np.ndarray) else np.asarray(x)
    dtype = array.dtype
    if dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must have a bool, integer or float32/float64 dtype, got dtype {dtype}"
        )
    if dtype.kind == "f" and dtype.itemsize not in (4, 8):
        raise TypeError(
            f"{name} must have dtype float32 or float64, got {dtype} "
            f"(convert with {name}.astype(np.float32))"
        )
    if array.ndim == 0:
        raise ValueError(
            f"{name} must have at least one axis (axis 0 holds the samples), got a 0-d array"
        )
    if not dtype.isnative:
        array = array.astype(dtype.newbyteorder("="))
    if any(stride % array.itemsize for stride in array.strides):
        array = np.ascontiguousarray(array)
    return array


def _check_number(value: Any, name: str, *, minimum: float = 0.0, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    ok = value > minimum if strict else value >= minimum
    if not (math.isfinite(value) and ok):
        relation = ">" if strict else ">="
        raise ValueError(f"{name} must be a finite number {relation} {minimum}, got {value}")
    return value


def _check_bound(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number or None, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must be a number or None, got nan")
    return value


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def _normalize_axis(axis: Any, ndim: int, name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name} must be an int or None, got {axis!r}")
    normalized = int(axis) + ndim if axis < 0 else int(axis)
    if not 0 <= normalized < ndim:
        raise ValueError(f"{name} {axis} is out of range for a batch with {ndim} axes")
    return normalized


def _floats(values: Any, name: str) -> tuple[float, ...]:
    if values is None:
        return ()
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of numbers, got shape {array.shape}")
    return tuple(float(v) for v in array)


# --------------------------------------------------------------------------- schema


@dataclass
class TensorSchema:
    """What an N-d batch must look like; :func:`infer_tensor_schema` builds one from a
    reference batch, and every field may be edited by hand.

    Parameters
    ----------
    shape : tuple of int, default ()
        Size of each axis, ``-1`` for any size (axis 0, the samples, is usually ``-1``);
        ``()`` does not check the shape.
    dtype : str or None, default None
        NumPy name of the element type (``'float32'``, ``'uint8'``, ...); None accepts any.
    channel_axis : int or None, default None
        Axis holding the channels (>= 1, counted from the front); None: the whole sample is
        one channel.
    allow_nan, allow_infinite : bool, default False
        Whether NaN / infinite values are allowed.
    minimum, maximum : float or None, default None
        Range of the allowed finite values; None: unbounded on that side.
    channel_mean, channel_std : tuple of float, default ()
        Per-channel mean and standard deviation (ddof 0, over every finite value of the channel)
        of the reference; ``()`` does not check the channel statistics.
    channel_mean_spread : tuple of float, default ()
        Per channel, the standard deviation (ddof 1) across reference samples of each sample's
        own channel mean: the scale of the mean check.
    reference_samples : int, default 0
        Number of reference samples (>= 2 when channel statistics are set).
    mean_tolerance : float, default 4.0
        A ``channel_mean`` warning is raised when the batch's channel mean differs from the
        reference's by more than this many standard errors, where the standard error is
        ``channel_mean_spread * sqrt(1/n_batch + 1/reference_samples)`` (a two-sample z-test on
        per-sample means, which stays valid when the values within a sample are correlated).
    std_tolerance : float, default 0.1
        A ``channel_std`` warning is raised when ``|std / reference std - 1|`` exceeds this
        relative tolerance.
    check_blank : bool, default True
        Report blank samples: all finite values equal (``blank_epsilon`` 0), or their standard
        deviation at most ``blank_epsilon``, or no finite value at all.
    blank_epsilon : float, default 0.0
    min_samples : int, default 1
        Fewer samples is a ``too_few_samples`` error.

    Examples
    --------
    >>> from shiftguard.validate import TensorSchema
    >>> schema = TensorSchema(shape=(-1, 28, 28), dtype="uint8", minimum=0, maximum=255)
    >>> TensorSchema.from_json(schema.to_json()) == schema
    True
    """

    shape: tuple[int, ...] = ()
    dtype: str | None = None
    channel_axis: int | None = None
    allow_nan: bool = False
    allow_infinite: bool = False
    minimum: float | None = None
    maximum: float | None = None
    channel_mean: tuple[float, ...] = ()
    channel_std: tuple[float, ...] = ()
    channel_mean_spread: tuple[float, ...] = ()
    reference_samples: int = 0
    mean_tolerance: float = 4.0
    std_tolerance: float = 0.1
    check_blank: bool = True
    blank_epsilon: float = 0.0
    min_samples: int = 1

    def __post_init__(self) -> None:
        shape = tuple(self.shape) if not isinstance(self.shape, (str, bytes)) else self.shape
        if not isinstance(shape, tuple):
            raise TypeError(f"shape must be a sequence of ints, got {self.shape!r}")
        self.shape = tuple(_check_int(s, "shape entry", -1) for s in shape)
        if self.dtype is not None and self.dtype not in _DTYPES:
            allowed = ", ".join(_DTYPES)
            raise ValueError(f"dtype must be None or one of {allowed}, got {self.dtype!r}")
        if self.channel_axis is not None:
            self.channel_axis = _check_int(self.channel_axis, "channel_axis", 1)
            if self.shape and self.channel_axis >= len(self.shape):
                raise ValueError(
                    f"channel_axis must be < the number of axes {len(self.shape)}, "
                    f"got {self.channel_axis}"
                )
        self.allow_nan = _check_bool(self.allow_nan, "allow_nan")
        self.allow_infinite = _check_bool(self.allow_infinite, "allow_infinite")
        self.minimum = _check_bound(self.minimum, "minimum")
        self.maximum = _check_bound(self.maximum, "maximum")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(
                f"minimum must be <= maximum, got minimum {self.minimum} and maximum {self.maximum}"
            )
        self.channel_mean = _floats(self.channel_mean, "channel_mean")
        self.channel_std = _floats(self.channel_std, "channel_std")
        self.channel_mean_spread = _floats(self.channel_mean_spread, "channel_mean_spread")
        lengths = {len(self.channel_mean), len(self.channel_std), len(self.channel_mean_spread)}
        if len(lengths) != 1:
            raise ValueError(
                "channel_mean, channel_std and channel_mean_spread must have the same length, "
                f"got {len(self.channel_mean)}, {len(self.channel_std)} and "
                f"{len(self.channel_mean_spread)}"
            )
        self.reference_samples = _check_int(self.reference_samples, "reference_samples", 0)
        if self.channel_mean and self.reference_samples < 2:
            raise ValueError(
                "reference_samples must be >= 2 when channel statistics are set, "
                f"got {self.reference_samples}"
            )
        self.mean_tolerance = _check_number(self.mean_tolerance, "mean_tolerance", strict=True)
        self.std_tolerance = _check_number(self.std_tolerance, "std_tolerance", strict=True)
        self.check_blank = _check_bool(self.check_blank, "check_blank")
        self.blank_epsilon = _check_number(self.blank_epsilon, "blank_epsilon")
        self.min_samples = _check_int(self.min_samples, "min_samples", 0)

    # ------------------------------------------------------------------ serialisation

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with the format name and version."""
        out: dict[str, Any] = {"format": _FORMAT, "version": _VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TensorSchema:
        """Inverse of :meth:`to_dict`; rejects other formats, newer versions and unknown keys."""
        if not isinstance(data, dict):
            raise TypeError(f"a tensor schema must be a dict, got {type(data).__name__}")
        if data.get("format") != _FORMAT:
            raise ValueError(
                f"not a tensor schema: format must be {_FORMAT!r}, got {data.get('format')!r}"
            )
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ValueError(f"tensor schema version must be a positive int, got {version!r}")
        if version > _VERSION:
            raise ValueError(
                f"tensor schema version {version} is newer than this shiftguard reads "
                f"(up to {_VERSION}); upgrade shiftguard"
            )
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names - {"format", "version"})
        if unknown:
            raise ValueError(f"tensor schema has unknown keys: {', '.join(unknown)}")
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_json(self, indent: int | None = 2) -> str:
        """The schema as JSON text (:meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> TensorSchema:
        """Inverse of :meth:`to_json`; malformed JSON raises ValueError naming the position."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"tensor schema is not valid JSON: {error}") from None
        return cls.from_dict(data)

    def save(self, path: str | pathlib.Path) -> None:
        """Write :meth:`to_json` to ``path``."""
        pathlib.Path(path).write_text(self.to_json() + "\n")

    @classmethod
    def load(cls, path: str | pathlib.Path) -> TensorSchema:
        """Read a schema written by :meth:`save`."""
        return cls.from_json(pathlib.Path(path).read_text())

    def _core_fields(self) -> dict[str, Any]:
        return {
            "shape": list(self.shape),
            "dtype": self.dtype or "",
            "channel_axis": self.channel_axis,
            "allow_nan": self.allow_nan,
            "allow_infinite": self.allow_infinite,
            "minimum": -math.inf if self.minimum is None else self.minimum,
            "maximum": math.inf if self.maximum is None else self.maximum,
            "channel_mean": list(self.channel_mean),
            "channel_std": list(self.channel_std),
            "channel_mean_spread": list(self.channel_mean_spread),
            "reference_samples": self.reference_samples,
            "mean_tolerance": self.mean_tolerance,
            "std_tolerance": self.std_tolerance,
            "check_blank": self.check_blank,
            "blank_epsilon": self.blank_epsilon,
            "min_samples": self.min_samples,
        }


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True, eq=False)
class TensorSummary:
    """Statistics of an N-d batch (:func:`describe_tensor`). Per-channel arrays have one entry
    per channel (one in all when there is no channel axis); channels without a finite value
    hold NaN."""

    shape: tuple[int, ...]
    n_samples: int
    channel_axis: int | None
    n_nan: int
    n_infinite: int
    n_out_of_range: int
    minimum: float
    """Smallest finite value (NaN when there is none)."""
    maximum: float
    channel_count: np.ndarray
    """Finite values per channel."""
    channel_mean: np.ndarray
    channel_std: np.ndarray
    """Standard deviation with ddof 0 (``np.std``) over the channel's finite values."""
    channel_min: np.ndarray
    channel_max: np.ndarray
    channel_mean_spread: np.ndarray
    """Standard deviation (ddof 1) across samples of each sample's channel mean."""
    nan_samples: np.ndarray = field(repr=False)
    infinite_samples: np.ndarray = field(repr=False)
    out_of_range_samples: np.ndarray = field(repr=False)
    blank_samples: np.ndarray = field(repr=False)

    def to_frame(self):
        """One row per channel: count, mean, std, min, max, mean_spread."""
        import pandas as pd

        return pd.DataFrame(
            {
                "count": self.channel_count,
                "mean": self.channel_mean,
                "std": self.channel_std,
                "min": self.channel_min,
                "max": self.channel_max,
                "mean_spread": self.channel_mean_spread,
            }
        ).rename_axis("channel")


def _channel_axis_for(channel_axis: Any, ndim: int) -> int | None:
    if channel_axis is None:
        return None
    axis = _normalize_axis(channel_axis, ndim, "channel_axis")
    if axis == 0:
        raise ValueError(
            f"channel_axis must not be the sample axis 0, got {channel_axis} "
            "(use channel_axis=None for no channels)"
        )
    return axis


def describe_tensor(
    batch: Any,
    *,
    channel_axis: int | None = -1,
    minimum: float | None = None,
    maximum: float | None = None,
    check_blank: bool = True,
    blank_epsilon: float = 0.0,
    n_threads: int | None = None,
) -> TensorSummary:
    """Per-channel statistics, non-finite and out-of-range counts and blank samples of a batch.

    Parameters
    ----------
    batch : array_like
        N-d array (bool, integer, float32 or float64), axis 0 = samples; read without a copy.
    channel_axis : int or None, default -1
        Axis holding the channels (negative counts from the end); None: one channel.
    minimum, maximum : float or None
        Bounds for the out-of-range count.
    check_blank : bool, default True
    blank_epsilon : float, default 0.0
        A sample is blank when its finite values are all equal (or their standard deviation is
        at most ``blank_epsilon``), or it has none.
    n_threads : int or None
        Threads (None: all cores); the result does not depend on it.

    Returns
    -------
    TensorSummary

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.validate import describe_tensor
    >>> x = np.arange(24, dtype=np.float64).reshape(4, 3, 2)
    >>> s = describe_tensor(x)
    >>> s.channel_mean, s.channel_std.round(4)
    (array([11., 12.]), array([6.9041, 6.9041]))
    """
    array = _as_batch(batch, "batch")
    axis = _channel_axis_for(channel_axis, array.ndim)
    low = _check_bound(minimum, "minimum")
    high = _check_bound(maximum, "maximum")
    d = _core.tensor_summary(
        array,
        axis,
        -math.inf if low is None else low,
        math.inf if high is None else high,
        _check_bool(check_blank, "check_blank"),
        _check_number(blank_epsilon, "blank_epsilon"),
        check_n_threads(n_threads),
    )
    as_int = lambda key: np.asarray(d[key], dtype=np.int64)  # noqa: E731
    return TensorSummary(
        shape=tuple(d["shape"]),
        n_samples=int(d["n_samples"]),
        channel_axis=d["channel_axis"],
        n_nan=int(d["n_nan"]),
        n_infinite=int(d["n_infinite"]),
        n_out_of_range=int(d["n_below"]) + int(d["n_above"]),
        minimum=float(d["minimum"]),
        maximum=float(d["maximum"]),
        channel_count=as_int("channel_count"),
        channel_mean=np.asarray(d["channel_mean"], dtype=float),
        channel_std=np.asarray(d["channel_std"], dtype=float),
        channel_min=np.asarray(d["channel_min"], dtype=float),
        channel_max=np.asarray(d["channel_max"], dtype=float),
        channel_mean_spread=np.asarray(d["channel_mean_spread"], dtype=float),
        nan_samples=as_int("nan_samples"),
        infinite_samples=as_int("infinite_samples"),
        out_of_range_samples=as_int("out_of_range_samples"),
        blank_samples=as_int("blank_samples"),
    )


# --------------------------------------------------------------------------- infer / validate


def infer_tensor_schema(
    reference: Any,
    *,
    channel_axis: int | None = -1,
    wildcard_axes: Sequence[int] = (0,),
    infer_range: bool = True,
    range_margin: float = 0.1,
    mean_tolerance: float = 4.0,
    std_tolerance: float = 0.1,
    check_blank: bool = True,
    blank_epsilon: float = 0.0,
    n_threads: int | None = None,
) -> TensorSchema:
    """Infer a :class:`TensorSchema` from a reference batch.

    The schema fixes every axis size except ``wildcard_axes``, the dtype, whether NaN and
    infinite values are allowed (only if the reference holds some), the value range
    ``[min - m, max + m]`` with ``m = range_margin * (max - min)``, and the per-channel mean,
    standard deviation and spread of the samples' means.

    Parameters
    ----------
    reference : array_like
        N-d array, axis 0 = samples (at least 2); read without a copy.
    channel_axis : int or None, default -1
        Axis holding the channels (negative counts from the end, so -1 is the last axis, as in
        ``N x H x W x C``); None: the whole sample is one channel.
    wildcard_axes : sequence of int, default (0,)
        Axes whose size may vary (negative counts from the end).
    infer_range : bool, default True
        Set minimum and maximum from the reference (else unbounded).
    range_margin : float, default 0.1
        Widening of the inferred range on each side, as a fraction of its width.
    mean_tolerance, std_tolerance, check_blank, blank_epsilon
        Copied into the schema (see :class:`TensorSchema`).
    n_threads : int or None
        Threads (None: all cores); the result does not depend on it.

    Returns
    -------
    TensorSchema

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.validate import infer_tensor_schema
    >>> images = np.random.default_rng(1).integers(0, 256, size=(32, 4, 4, 3), dtype=np.uint8)
    >>> schema = infer_tensor_schema(images, range_margin=0.0)
    >>> schema.shape, schema.dtype, schema.minimum, schema.maximum
    ((-1, 4, 4, 3), 'uint8', 0.0, 255.0)
    >>> len(schema.channel_mean)
    3
    """
    array = _as_batch(reference, "reference")
    axis = _channel_axis_for(channel_axis, array.ndim)
    if isinstance(wildcard_axes, (str, bytes)) or not isinstance(wildcard_axes, Sequence):
        raise TypeError(f"wildcard_axes must be a sequence of ints, got {wildcard_axes!r}")
    wildcards = [_normalize_axis(a, array.ndim, "wildcard_axes entry") for a in wildcard_axes]
    d = _core.tensor_infer_schema(
        array,
        axis,
        wildcards,
        _check_number(range_margin, "range_margin"),
        _check_bool(infer_range, "infer_range"),
        _check_number(mean_tolerance, "mean_tolerance", strict=True),
        _check_number(std_tolerance, "std_tolerance", strict=True),
        _check_bool(check_blank, "check_blank"),
        _check_number(blank_epsilon, "blank_epsilon"),
        check_n_threads(n_threads),
    )
    return TensorSchema(
        shape=tuple(d["shape"]),
        dtype=array.dtype.name,
        channel_axis=d["channel_axis"],
        allow_nan=d["allow_nan"],
        allow_infinite=d["allow_infinite"],
        minimum=d["minimum"] if math.isfinite(d["minimum"]) else None,
        maximum=d["maximum"] if math.isfinite(d["maximum"]) else None,
        channel_mean=tuple(d["channel_mean"]),
        channel_std=tuple(d["channel_std"]),
        channel_mean_spread=tuple(d["channel_mean_spread"]),
        reference_samples=d["reference_samples"],
        mean_tolerance=d["mean_tolerance"],
        std_tolerance=d["std_tolerance"],
        check_blank=d["check_blank"],
        blank_epsilon=d["blank_epsilon"],
    )


def validate_tensor(
    batch: Any,
    schema: TensorSchema,
    *,
    max_rows: int = 1000,
    n_threads: int | None = None,
) -> ValidationReport:
    """Validate an N-d batch against a :class:`TensorSchema`.

    Anomalies, in this order (``column`` is ``'channel c'`` for per-channel findings, else
    None; ``rows`` are sample indices along axis 0):

    - ``shape`` (error): wrong number of axes or an axis of the wrong size;
    - ``dtype`` (error); ``too_few_samples`` (error);
    - ``nan``, ``infinite`` (error) where not allowed, and ``out_of_range`` (error), with the
      samples holding them;
    - ``channel_mean`` (warning): the channel mean is more than ``mean_tolerance`` standard
      errors from the reference's; ``channel_std`` (warning): the standard deviation differs
      by more than ``std_tolerance`` (relative);
    - ``blank_sample`` (warning): samples whose values are all equal (or have a standard
      deviation at most ``blank_epsilon``), or have no finite value.

    Parameters
    ----------
    batch : array_like
        N-d array (bool, integer, float32 or float64), axis 0 = samples; read in place through
        its strides, without a copy.
    schema : TensorSchema
    max_rows : int, default 1000
        At most this many sample indices are kept per anomaly (``count`` has the total).
    n_threads : int or None
        Threads (None: all cores); the report does not depend on it.

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> import numpy as np
    >>> from shiftguard.validate import TensorSchema, validate_tensor
    >>> schema = TensorSchema(shape=(-1, 2, 3), dtype="float64", minimum=0.0, maximum=1.0)
    >>> batch = np.linspace(0.1, 0.9, 24).reshape(4, 2, 3)
    >>> batch[1, 0, 0] = 7.0
    >>> batch[3, 1, 2] = np.inf
    >>> batch[2] = 0.5
    >>> report = validate_tensor(batch, schema)
    >>> [(a.kind, a.severity, a.rows) for a in report]
    [('infinite', 'error', (3,)), ('out_of_range', 'error', (1,)), ('blank_sample', 'warning', (2,))]
    >>> report[1].message
    '1 value outside [0, 1] (0 below, 1 above; observed range [0.1, 7]) in 1 sample'
    """
    if not isinstance(schema, TensorSchema):
        raise TypeError(f"schema must be a TensorSchema, got {type(schema).__name__}")
    array = _as_batch(batch, "batch")
    items = _core.tensor_validate(
        array,
        schema._core_fields(),
        array.dtype.name,
        _check_int(max_rows, "max_rows", 1),
        check_n_threads(n_threads),
    )
    anomalies = []
    for item in items:
        channel = item["channel"]
        column = None
        if channel >= 0 and schema.channel_axis is not None:
            column = f"channel {channel}"
        count = item["count"] if item["kind"] in _ROW_KINDS else None
        anomalies.append(
            Anomaly(column, item["kind"], item["severity"], item["message"], item["samples"], count)
        )
    return ValidationReport(anomalies)


_ROW_KINDS = frozenset({"nan", "infinite", "out_of_range", "blank_sample"})
